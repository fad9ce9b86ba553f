/**
 * Instance presence on PostgreSQL. Each running instance holds a session advisory lock
 * named by its instance id on a connection of its own, for as long as it runs. When the
 * process dies, PostgreSQL drops its connections and the lock with them, so the others
 * see at once that its claims (an update being handled, a notification being sent) have
 * no owner any more and take them over, instead of waiting for the claim's lease to run
 * out. Only ids with the `live:` prefix are judged this way: an instance without presence
 * (PGlite, a test naming its own id) is recovered after the lease as before.
 *
 * If the presence connection drops while the process lives on (a network cut, a server
 * restart), it is opened again at once; in between, another instance may take over an
 * update this one is handling. The replay is harmless: every state-changing step carries
 * a request key (README, "Nothing done twice").
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import pg from "pg";
import { Prisma } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";

/** Advisory lock namespace of presence locks (the chat locks use another). */
export const PRESENCE_NAMESPACE = 0x0a1c;
export const LIVE_PREFIX = "live:";

/** A fresh instance id that presence judges by its lock. */
export function liveInstanceId(): string {
  return `${LIVE_PREFIX}${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

/**
 * SQL: true when the instance named in `column` has presence (a `live:` id) and no longer
 * holds its lock, i.e. its process is gone.
 */
export function ownerGone(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${column} LIKE 'live:%' AND NOT EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = ${PRESENCE_NAMESPACE}::bigint::oid
      AND l.objid = (hashtext(${column})::bigint & 4294967295)::oid))`;
}

export class InstancePresence {
  readonly instanceId: string;
  private client: pg.Client | undefined;
  private closed = false;
  private reconnecting: Promise<void> | undefined;

  constructor(
    private readonly opts: { url: string; instanceId?: string; logger?: Logger; retryMs?: number },
  ) {
    this.instanceId = opts.instanceId ?? liveInstanceId();
  }

  /** Takes the presence lock; resolves once it is held. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url, application_name: "albabot:presence" });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.opts.logger?.warn({ err: err?.message }, "presence connection lost: opening it again");
      this.reconnectSoon();
    };
    client.on("error", lost);
    client.on("end", () => lost());
    await client.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [PRESENCE_NAMESPACE, this.instanceId]);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private reconnectSoon(): void {
    if (this.reconnecting || this.closed) return;
    this.reconnecting = (async () => {
      while (!this.closed && !this.client) {
        await new Promise((r) => setTimeout(r, this.opts.retryMs ?? 1000));
        await this.connect().catch((err) =>
          this.opts.logger?.warn({ err: (err as Error).message }, "presence: could not reconnect"),
        );
      }
      this.reconnecting = undefined;
    })();
  }

  /** Ends the presence: the lock goes with the connection. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
