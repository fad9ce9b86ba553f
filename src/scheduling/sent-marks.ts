/**
 * Marks a notification sent on a PostgreSQL connection kept for that alone. The mark
 * follows the channel's answer at once instead of waiting its turn in the query pool behind
 * the updates being handled: the milliseconds between the two are the only moment a crash
 * makes the message go out again (README, "Scheduled jobs once per slot"). Any failure
 * here falls back to the pool (src/scheduling/delivery.ts).
 */
import pg from "pg";
import type { Logger } from "../logger.js";

export interface SentMarks {
  /** Marks the row sent if this instance still holds it; returns the rows changed. */
  mark(id: number, instanceId: string, sentAt: Date): Promise<number>;
  close(): Promise<void>;
}

export class DirectSentMarks implements SentMarks {
  private client: Promise<pg.Client> | undefined;

  constructor(
    private readonly url: string,
    private readonly logger?: Logger,
  ) {}

  private connection(): Promise<pg.Client> {
    if (!this.client) {
      const client = new pg.Client({ connectionString: this.url, application_name: "albabot:outbox" });
      const drop = (err?: Error) => {
        if (err) this.logger?.warn({ err: err.message }, "outbox: sent-mark connection lost");
        this.client = undefined;
        client.end().catch(() => undefined);
      };
      client.on("error", drop);
      this.client = client.connect().then(
        () => client,
        (err: Error) => {
          drop();
          throw err;
        },
      );
    }
    return this.client;
  }

  async mark(id: number, instanceId: string, sentAt: Date): Promise<number> {
    const client = await this.connection();
    const result = await client.query(
      `UPDATE "Notification" SET status = 'SENT', "sentAt" = $3::timestamp, "lastError" = NULL
       WHERE id = $1 AND "claimedBy" = $2 AND status = 'SENDING'`,
      [id, instanceId, sentAt.toISOString().replace("Z", "")],
    );
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    const pending = this.client;
    this.client = undefined;
    const client = await pending?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }
}
