/** Citizen petitions: one import for the bot, the Messenger channel, the CLI and jobs. */
export * from "./consent.js";
export * from "./deadlines.js";
export * from "./numbering.js";
export * from "./phone.js";
export * from "./permissions.js";
export { type ActionResult, PetitionService, type PetitionServiceDeps } from "./petition-service.js";
export * from "./routing.js";
export { type PetitionStatistics, type StatisticsRange, statisticsFor } from "./statistics.js";
export * from "./types.js";
export * from "./validation.js";
