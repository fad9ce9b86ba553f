/**
 * The domain services, built once per process and shared by the bot, the jobs, the CLI
 * and (later) the Messenger channel. None of them knows Telegram.
 */
import type { Config } from "./config.js";
import { DirectoryAdmin } from "./directory/directory-admin.js";
import { DirectoryService } from "./directory/directory-service.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { PetitionService } from "./petitions/petition-service.js";
import { createReportingServices } from "./reporting/services.js";
import type { Clock } from "./shared/clock.js";

export interface ServiceDeps {
  prisma: PrismaClient;
  clock: Clock;
  config: Pick<Config, "ADMIN_TELEGRAM_IDS" | "INVITE_TTL_DAYS" | "DEFAULT_LOCALE">;
}

export function createServices(deps: ServiceDeps) {
  return {
    deps,
    directory: new DirectoryService({ prisma: deps.prisma }),
    directoryAdmin: new DirectoryAdmin({ prisma: deps.prisma, clock: deps.clock }),
    petitions: new PetitionService({ prisma: deps.prisma, clock: deps.clock }),
    reporting: createReportingServices({ prisma: deps.prisma, clock: deps.clock }),
  };
}

export type Services = ReturnType<typeof createServices>;
