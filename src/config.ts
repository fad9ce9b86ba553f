/**
 * Environment, validated once at start-up. A bad or missing variable stops the process
 * with a message that names it (see `loadConfig`).
 */
import { z } from "zod";

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const idList = z
  .string()
  .regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, "a comma-separated list of numeric Telegram user ids")
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  );

function optionalString<T extends z.ZodType<string>>(schema: T) {
  return schema.optional().or(z.literal("").transform(() => undefined));
}

export const configSchema = z.object({
  BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{30,}$/, "looks like 123456789:AA... as given by @BotFather")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  BOT_MODE: z.enum(["polling", "webhook"]).default("polling"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "a postgresql:// connection URL, or unset for the embedded database")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().min(1).default("./data"),
  TELEGRAM_API_ROOT: z.url().default("https://api.telegram.org"),
  DEFAULT_LOCALE: z.enum(["mn", "en"]).default("mn"),
  TZ: z.string().min(1).default("Asia/Ulaanbaatar"),
  ADMIN_TELEGRAM_IDS: idList.default([]),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * How far V8 lets the heap grow past what survived its last full collection, in percent
   * (V8's own rule, up to 4×, when 0). The bot's live data is small and its garbage is
   * short-lived: 25 keeps the resident memory under load near the idle size.
   */
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(25),
  /**
   * Whether V8 optimises WebAssembly it runs often (a second compilation in the
   * background). "auto": only on the embedded database, whose engine is WebAssembly and
   * runs every statement; against PostgreSQL the only WebAssembly on an update's path is
   * Prisma's query compiler, whose plans are cached per query, and its optimised copies
   * cost about 50 MB of memory for no measurable CPU.
   */
  WASM_OPTIMIZE: z.enum(["auto", "always", "never"]).default("auto"),
  WEBHOOK_URL: z
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "16-256 characters of A-Z, a-z, 0-9, _ and -")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Updates one instance handles at once (unset: see `webhookConcurrency`). */
  WEBHOOK_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** PostgreSQL: connections of one process' query pool (the CLI uses 2). */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  WEBHOOK_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(40),
  /** Pace the bot's replies to Telegram's limits; off only for a Bot API without them (load tests). */
  TELEGRAM_THROTTLE: booleanish.default(true),
  SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  JOBS_ENABLED: booleanish.default(true),
  /** Outbox messages per second of one instance; N instances share the budget: 28 / N each. */
  OUTBOX_RATE: z.coerce.number().positive().max(30).default(28),
  INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  BOT_USERNAME: z.string().optional(),
  /** Facebook Messenger for citizens (all four set: the /messenger webhook is served). */
  MESSENGER_PAGE_ID: optionalString(z.string().regex(/^\d{5,30}$/, "the numeric id of the Facebook Page")),
  MESSENGER_PAGE_TOKEN: optionalString(
    z.string().min(20, "the Page access token from the app's Messenger settings"),
  ),
  MESSENGER_APP_SECRET: optionalString(
    z.string().regex(/^[0-9a-f]{16,64}$/i, "the app secret (hex) from the app's basic settings"),
  ),
  MESSENGER_VERIFY_TOKEN: optionalString(
    z.string().regex(/^[\x21-\x7e]{8,200}$/, "8-200 printable characters without spaces, of your choice"),
  ),
  /** Graph API root with its version, pinned; the sandbox and tests point it at the emulator. */
  MESSENGER_GRAPH_ROOT: z.url().default("https://graph.facebook.com/v25.0"),
  /** Send staff-written questions and answers with the HUMAN_AGENT tag (7 days; needs App Review). */
  MESSENGER_HUMAN_AGENT: booleanish.default(false),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}\nSee .env.example.`);
  }
  const config = result.data;
  if (config.BOT_MODE === "webhook") {
    const missing = (["WEBHOOK_URL", "WEBHOOK_SECRET", "BOT_TOKEN"] as const).filter((k) => !config[k]);
    if (missing.length) {
      throw new ConfigError(
        `Invalid environment:\n${missing.map((k) => `  ${k}: required when BOT_MODE=webhook`).join("\n")}`,
      );
    }
  }
  const messengerVars = [
    "MESSENGER_PAGE_ID",
    "MESSENGER_PAGE_TOKEN",
    "MESSENGER_APP_SECRET",
    "MESSENGER_VERIFY_TOKEN",
  ] as const;
  const messengerSet = messengerVars.filter((k) => config[k]);
  if (messengerSet.length > 0 && messengerSet.length < messengerVars.length) {
    const missing = messengerVars.filter((k) => !config[k]);
    throw new ConfigError(
      `Invalid environment:\n${missing.map((k) => `  ${k}: required with the other MESSENGER_* variables`).join("\n")}`,
    );
  }
  return config;
}

/** The Messenger settings when all of them are set (the /messenger webhook is served then). */
export function messengerConfig(config: Config) {
  const { MESSENGER_PAGE_ID: pageId, MESSENGER_PAGE_TOKEN: pageToken } = config;
  const { MESSENGER_APP_SECRET: appSecret, MESSENGER_VERIFY_TOKEN: verifyToken } = config;
  if (!pageId || !pageToken || !appSecret || !verifyToken) return null;
  return {
    pageId,
    pageToken,
    appSecret,
    verifyToken,
    graphRoot: config.MESSENGER_GRAPH_ROOT.replace(/\/+$/, ""),
  };
}

export type MessengerConfig = NonNullable<ReturnType<typeof messengerConfig>>;

/**
 * Updates one instance handles at once, unless WEBHOOK_CONCURRENCY says: 20 against
 * PostgreSQL; 10 on the embedded database, whose statements all run one after another on
 * the bot's own thread, so that more at once only lengthens each one's wait (under load its
 * slowest answers went from 210-400 to 240-260 ms, at about 5% of its throughput).
 */
export function webhookConcurrency(config: Pick<Config, "WEBHOOK_CONCURRENCY" | "DATABASE_URL">): number {
  return config.WEBHOOK_CONCURRENCY ?? (config.DATABASE_URL ? 20 : 10);
}
