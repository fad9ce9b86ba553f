/**
 * Names for the statements Prisma's PostgreSQL adapter sends (its `statementNameGenerator`),
 * so that node-postgres prepares each SQL text once per connection and PostgreSQL's plan
 * cache plans it (a generic plan once it is no dearer than the custom ones), instead of
 * parsing and planning every statement again.
 *
 * Named: a text with parameters, among the first `limit` distinct texts seen (a statement
 * without parameters may hold several commands, which a prepared statement cannot; a text
 * past the limit runs unnamed, so a connection never holds more than `limit`). A name
 * stands for one text, as node-postgres requires.
 *
 * A prepared statement fails with "cached plan must not change result type" when a table
 * it reads gained or lost columns since it was prepared (another instance applied a
 * migration while this one runs). `wrap` then forgets the text's name, so its next run
 * prepares it again under a new one, and runs it once more when outside a transaction
 * (in one, the error aborts it; it is transient, so the update is handled again).
 */
import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { isStalePlan } from "./transient.js";

/** Distinct statements prepared per connection at most. */
export const NAMED_STATEMENTS_LIMIT = 300;

export class StatementNames {
  private readonly names = new Map<string, string>();
  private counter = 0;

  constructor(private readonly limit = NAMED_STATEMENTS_LIMIT) {}

  /** The adapter's `statementNameGenerator` (its type says string; undefined runs the text unnamed). */
  readonly generate = ({ sql, args }: SqlQuery): string => {
    if (args.length === 0) return undefined as unknown as string;
    let name = this.names.get(sql);
    if (name === undefined) {
      if (this.names.size >= this.limit) return undefined as unknown as string;
      name = `albabot_${++this.counter}`;
      this.names.set(sql, name);
    }
    return name;
  };

  /** The name a text runs under now (undefined: unnamed). */
  nameOf(sql: string): string | undefined {
    return this.names.get(sql);
  }

  /** Forgets a text's name: its next run prepares it again under a new name. */
  forget(sql: string): void {
    this.names.delete(sql);
  }

  /** The factory with stale prepared statements prepared again (see the module's comment). */
  wrap(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
    return {
      adapterName: factory.adapterName,
      provider: factory.provider,
      connect: async () => this.renewing(await factory.connect(), true),
    };
  }

  private renewing<T extends SqlDriverAdapter | Transaction>(target: T, retry: boolean): T {
    const run = <R>(call: (query: SqlQuery) => Promise<R>) => {
      const original = call.bind(target);
      return async (query: SqlQuery): Promise<R> => {
        try {
          return await original(query);
        } catch (err) {
          if (!isStalePlan(err)) throw err;
          this.forget(query.sql);
          if (!retry) throw err;
          return original(query);
        }
      };
    };
    target.queryRaw = run(target.queryRaw);
    target.executeRaw = run(target.executeRaw);
    if ("startTransaction" in target) {
      const start = target.startTransaction.bind(target);
      target.startTransaction = async (...args) => this.renewing(await start(...args), false);
    }
    return target;
  }
}
