/**
 * Database errors that say "not now" rather than "wrong": the server refused a connection
 * or has no slot left, a connection broke, a lock or statement timed out, a transaction
 * lost a serialization race. An update that meets one is not finished: it is left to be
 * delivered again (503 to the webhook, a later attempt in polling), and the user is not
 * told "something went wrong" as if it had been handled.
 *
 * The errors arrive wrapped in different ways (Prisma's request errors with the driver
 * adapter's error in `meta` or `cause`, grammY's BotError around them, node-postgres'
 * errors with a SQLSTATE `code`, socket errors), so the chain is walked.
 */

/** SQLSTATE codes (and classes) of transient failures. */
const TRANSIENT_SQLSTATE = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "53000", // insufficient_resources
  "53100", // disk_full
  "53200", // out_of_memory
  "53300", // too_many_connections
  "55P03", // lock_not_available
  "57014", // query_canceled (statement_timeout)
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "58000", // system_error
  "58030", // io_error
]);

/** Driver adapter error kinds (Prisma 7) that are transient. */
const TRANSIENT_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "TooManyConnections",
  "SocketTimeout",
  "TransactionWriteConflict",
  "TransactionAlreadyClosed",
]);

/** Prisma error codes that are transient. */
const TRANSIENT_PRISMA = new Set([
  "P1001", // can't reach the database server
  "P1002", // timed out
  "P1008", // operation timed out
  "P1017", // server closed the connection
  "P2024", // timed out fetching a connection from the pool
  "P2028", // transaction API error (e.g. the transaction timed out and was closed)
  "P2034", // write conflict or deadlock
  "P2037", // too many database connections opened
]);

/** Socket-level error codes. */
const TRANSIENT_SYSCALL = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

const TRANSIENT_MESSAGE =
  /cached plan must not change result type|too many clients|remaining connection slots|connection terminated|terminating connection|connection (?:refused|reset|closed)|could not serialize access|deadlock detected|timeout exceeded when trying to connect|canceling statement due to statement timeout|server closed the connection|the database system is (?:starting up|shutting down|in recovery)|transaction already closed|Client has encountered a connection error/i;

function codeIsTransient(code: unknown): boolean {
  if (typeof code !== "string") return false;
  return (
    TRANSIENT_SQLSTATE.has(code) ||
    code.startsWith("08") || // connection_exception class
    TRANSIENT_PRISMA.has(code) ||
    TRANSIENT_SYSCALL.has(code)
  );
}

/** True when the error (or anything it wraps) is a transient database failure. */
export function isTransientDbError(err: unknown): boolean {
  return someCause(err, (o) => {
    if (o.transient === true) return true;
    if (codeIsTransient(o.code) || codeIsTransient(o.originalCode)) return true;
    if (typeof o.kind === "string" && TRANSIENT_KINDS.has(o.kind)) return true;
    return typeof o.message === "string" && TRANSIENT_MESSAGE.test(o.message);
  });
}

/**
 * True when a unique constraint refused the write: Prisma's P2002, or a plain statement's
 * driver error (SQLSTATE 23505), straight through the driver or through `$queryRaw`.
 */
export function isUniqueViolation(err: unknown): boolean {
  return someCause(
    err,
    (o) =>
      o.code === "P2002" ||
      o.code === "23505" ||
      o.originalCode === "23505" ||
      o.kind === "UniqueConstraintViolation",
  );
}

/**
 * True when a prepared statement's plan went stale: a table it reads changed its columns
 * since it was prepared (db/statement-names.ts prepares it again).
 */
export function isStalePlan(err: unknown): boolean {
  return someCause(
    err,
    (o) => typeof o.message === "string" && o.message.includes("cached plan must not change result type"),
  );
}

/** Whether the error or anything it wraps (cause, Prisma's meta, an AggregateError's list) matches. */
function someCause(err: unknown, test: (o: Record<string, unknown>) => boolean): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 32) {
    const e = queue.shift();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (test(o)) return true;
    if (Array.isArray(o.errors)) queue.push(...o.errors); // AggregateError (connect to several addresses)
    const meta = o.meta as Record<string, unknown> | undefined;
    queue.push(o.cause, o.error, meta, meta?.driverAdapterError);
  }
  return false;
}

/**
 * Thrown to leave an update unfinished on purpose: it is not marked done and is handled
 * again (the same path as a transient database failure).
 */
export class RetryLater extends Error {
  readonly transient = true;
  constructor(message = "retry later", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RetryLater";
  }
}
