/**
 * A real database whose driver adapter fails on cue: `fail(match, error)` makes the next
 * statement whose SQL matches fail once with the error PostgreSQL's driver would give
 * (e.g. "too many clients already"), as an overloaded or restarting server does. Every
 * other statement goes to the real database.
 */
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type Transaction,
} from "@prisma/driver-adapter-utils";

interface Armed {
  match: RegExp;
  error: () => Error;
}

export const tooManyClients = () =>
  new DriverAdapterError({ kind: "TooManyConnections", cause: "sorry, too many clients already" });
export const serializationFailure = () => new DriverAdapterError({ kind: "TransactionWriteConflict" });
export const connectionRefused = () => new DriverAdapterError({ kind: "DatabaseNotReachable" });

export class FaultyDatabase {
  private armed: Armed[] = [];
  /** Statements failed so far. */
  failures = 0;

  /** The next statement matching `match` fails once with `error`. */
  fail(match: RegExp, error: () => Error = tooManyClients): void {
    this.armed.push({ match, error });
  }

  private check(query: SqlQuery): void {
    const i = this.armed.findIndex((a) => a.match.test(query.sql));
    if (i < 0) return;
    const [armed] = this.armed.splice(i, 1);
    this.failures++;
    if (process.env.FAULTY_DEBUG) console.log("FAIL", query.sql.slice(0, 200));
    throw armed!.error();
  }

  private queryable<T extends SqlDriverAdapter | Transaction>(inner: T): T {
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        if (prop === "queryRaw" || prop === "executeRaw") {
          return async (query: SqlQuery) => {
            this.check(query);
            return (target[prop] as (q: SqlQuery) => Promise<unknown>).call(target, query);
          };
        }
        if (prop === "startTransaction") {
          return async (...args: unknown[]) =>
            this.queryable(await (target as SqlDriverAdapter).startTransaction(...(args as [undefined])));
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  /** Pass to openDatabase({ wrapAdapter }). */
  readonly wrap = (factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory => ({
    adapterName: factory.adapterName,
    provider: factory.provider,
    connect: async () => this.queryable(await factory.connect()),
  });
}
