import pino from "pino";

/**
 * Structured logs. At info level no message text, phone numbers or names are logged:
 * handlers log ids (update, chat, user, petition) only.
 */
export function createLogger(level = "info") {
  return pino({
    level,
    base: { app: "albabot" },
    redact: {
      paths: ["*.text", "*.phone", "*.phone_number", "*.first_name", "*.last_name", "*.fullName"],
      censor: "[redacted]",
    },
  });
}

export type Logger = pino.Logger;
