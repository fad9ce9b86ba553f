/**
 * PGlite with prepared statements: the client handed to Prisma's PGlite adapter (and so to
 * the direct runner, db/direct.ts) runs each statement as a named prepared statement of
 * the embedded database's one connection, parsed once per SQL text.
 *
 * Why: PGlite's own `query` parses, analyses and plans every statement again (an unnamed
 * statement) and crosses into the WebAssembly engine five times for it. In the embedded
 * engine that work is most of a statement's cost: parsing and planning took about three
 * quarters of the CPU of the claim and done mark of an update. A prepared statement is
 * planned by PostgreSQL's plan cache (a generic plan once it is no dearer than the custom
 * ones, as for any prepared statement), and each run is one call into the engine: Bind,
 * Describe, Execute and Sync together.
 *
 * The results are those of `query`: parameters go through the same serializers (by the
 * types the statement's description gives), rows through the same parsers, errors are
 * PGlite's `DatabaseError`. Statements are kept for the `limit` latest texts and closed
 * beyond it. Everything else (exec, transactions' BEGIN and COMMIT, closing) is PGlite's.
 */
import type { PGlite, QueryOptions, Results, Transaction } from "@electric-sql/pglite";
import type { types } from "@electric-sql/pglite";

type Parsers = Record<number | string, types.Parser>;
import { parse, protocol } from "@electric-sql/pglite";
import { isStalePlan } from "./transient.js";

const { serialize } = protocol;

/**
 * The engine runs a statement synchronously on the process's one thread, and a statement's
 * answer resolves its caller at once: under load, twenty updates' statements and the code
 * between them ran in one turn of the event loop, while webhook requests and Bot API answers
 * waited unread (a quarter of a second at times). A statement outside a transaction first
 * lets the event loop take what has arrived.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Prepared statements kept on the connection (closed least recently used first beyond it). */
export const PREPARED_LIMIT = 300;

const ARRAY_ROWS: QueryOptions = { rowMode: "array" };

interface Prepared {
  name: string;
  /** The parameters' type ids, for their serializers. */
  paramTypes: number[];
}

/** The PGlite members the prepared client uses (public, some underscored: its locks). */
type Engine = Pick<
  PGlite,
  | "execProtocol"
  | "exec"
  | "transaction"
  | "serializers"
  | "parsers"
  | "_runExclusiveQuery"
  | "_runExclusiveTransaction"
>;

/**
 * A PGlite-shaped client for `new PrismaPGlite(client)`: `query` (alone and in a
 * transaction) runs prepared; the rest is the engine's.
 */
export function preparedClient(engine: PGlite, limit = PREPARED_LIMIT): PGlite {
  const statements = new PreparedStatements(engine, limit);
  const client = {
    query: async <T>(text: string, params?: unknown[], options?: QueryOptions) => {
      await nextTurn();
      return engine._runExclusiveTransaction(() =>
        engine._runExclusiveQuery(() => statements.run<T>(text, params ?? [], options, true)),
      );
    },
    exec: (text: string, options?: QueryOptions) => engine.exec(text, options),
    transaction: <T>(fn: (tx: Transaction) => Promise<T>) =>
      engine.transaction((tx) => {
        const query = <R>(text: string, params?: unknown[], options?: QueryOptions) => {
          if (tx.closed) throw new Error("Transaction is closed");
          return engine._runExclusiveQuery(() => statements.run<R>(text, params ?? [], options, false));
        };
        const wrapped: Transaction = Object.create(tx, { query: { value: query } });
        return fn(wrapped);
      }),
  };
  return client as unknown as PGlite;
}

/** The connection's prepared statements by SQL text, most recently used last. */
class PreparedStatements {
  private readonly byText = new Map<string, Prepared>();
  private counter = 0;
  private readonly layered = new WeakMap<object, Parsers>();

  constructor(
    private readonly engine: Engine,
    private readonly limit: number,
  ) {}

  /**
   * Runs one statement; the caller holds the engine's query lock. `syncToFs` is false in a
   * transaction (written out at its COMMIT).
   */
  async run<T>(text: string, params: unknown[], options: QueryOptions | undefined, syncToFs: boolean) {
    try {
      return await this.runOnce<T>(text, params, options, syncToFs);
    } catch (err) {
      // A table the statement reads changed its columns since it was prepared: prepared
      // again for the next run, and run once more now unless in a transaction (which the
      // failure aborted).
      if (!isStalePlan(err)) throw err;
      await this.forget(text);
      if (!syncToFs) throw err;
      return this.runOnce<T>(text, params, options, syncToFs);
    }
  }

  private async runOnce<T>(
    text: string,
    params: unknown[],
    options: QueryOptions | undefined,
    syncToFs: boolean,
  ) {
    const statement = await this.prepared(text);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const type = statement.paramTypes[i]!;
      const serializer = options?.serializers?.[type] ?? this.engine.serializers[type];
      return serializer ? serializer(value) : String(value);
    });
    const message = concat([
      serialize.bind({ statement: statement.name, values }),
      serialize.describe({ type: "P" }),
      serialize.execute({}),
      serialize.sync(),
    ]);
    const { messages } = await this.engine.execProtocol(message, { syncToFs });
    return parse.parseResults(messages, ...this.parsing(options))[0] as Results<T>;
  }

  /**
   * The parsers and options for `parseResults`. Given a query's own parsers (Prisma's
   * adapter gives its own on every query), PGlite copies every parser it has into a new
   * object per result (a fifth of a millisecond a statement); here the query's parsers sit
   * once per parsers object over the engine's, which stay live (array types learnt later).
   */
  private parsing(options: QueryOptions | undefined): [Parsers, QueryOptions | undefined] {
    if (!options?.parsers) return [this.engine.parsers, options];
    let parsers = this.layered.get(options.parsers);
    if (!parsers) {
      parsers = Object.assign(Object.create(this.engine.parsers) as Parsers, options.parsers);
      this.layered.set(options.parsers, parsers);
    }
    // parseResults reads only the row mode and the parsers of the options.
    return [parsers, options.rowMode === "array" ? ARRAY_ROWS : undefined];
  }

  private async prepared(text: string): Promise<Prepared> {
    const known = this.byText.get(text);
    if (known) {
      // Most recently used last.
      this.byText.delete(text);
      this.byText.set(text, known);
      return known;
    }
    const name = `albabot_${++this.counter}`;
    const { messages } = await this.engine.execProtocol(
      concat([serialize.parse({ name, text }), serialize.describe({ type: "S", name }), serialize.sync()]),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    this.byText.set(text, statement);
    if (this.byText.size > this.limit) await this.closeOldest();
    return statement;
  }

  private async closeOldest(): Promise<void> {
    const oldest = this.byText.keys().next();
    if (!oldest.done) await this.forget(oldest.value);
  }

  private async forget(text: string): Promise<void> {
    const statement = this.byText.get(text);
    if (!statement) return;
    this.byText.delete(text);
    await this.engine.execProtocol(
      concat([serialize.close({ type: "S", name: statement.name }), serialize.sync()]),
      {
        syncToFs: false,
      },
    );
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
