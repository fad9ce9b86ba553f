/**
 * Plain SQL straight through the driver adapter the Prisma client uses (its pool on
 * PostgreSQL, its one connection on PGlite), without the client's query engine. For the
 * statement every update runs (the user load, src/directory/users.ts): there the engine's
 * request building and result mapping cost more than the statement itself (about 0.75 ms
 * of CPU through `$queryRaw` against 0.3 ms through the driver). The adapter is the one the
 * client connected, so wrappers of it (a test database that fails on cue) apply, and its
 * errors are the driver adapter's (src/db/transient.ts knows them).
 *
 * Rows come back as objects with the client's types: DateTime → Date, Json → parsed,
 * Int64 → bigint; other values as the adapter gives them.
 */
import {
  type ArgType,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type { PrismaClient } from "../generated/prisma/client.js";

export interface DirectSql {
  /** Runs one statement with $1, $2… parameters and returns its rows. */
  query<T>(sql: string, args?: readonly unknown[]): Promise<T[]>;
}

const registry = new WeakMap<object, DirectSql>();

/** The direct runner of a client opened by openDatabase; undefined for anything else (a transaction). */
export function directSqlOf(client: unknown): DirectSql | undefined {
  return typeof client === "object" && client !== null ? registry.get(client) : undefined;
}

/** A client's direct runner, or its `$queryRawUnsafe` (a transaction's statements stay in it). */
export function sqlFor(client: Pick<PrismaClient, "$queryRawUnsafe">): DirectSql {
  return (
    directSqlOf(client) ?? {
      query: <T>(sql: string, args: readonly unknown[] = []) => client.$queryRawUnsafe<T[]>(sql, ...args),
    }
  );
}

/**
 * Wraps the adapter factory given to the client so that the adapter it connects is kept, and
 * registers a runner on that adapter for the client.
 */
export function withDirectSql(factory: SqlDriverAdapterFactory): {
  factory: SqlDriverAdapterFactory;
  register(client: PrismaClient): void;
} {
  let adapter: SqlDriverAdapter | undefined;
  const wrapped: SqlDriverAdapterFactory = {
    adapterName: factory.adapterName,
    provider: factory.provider,
    connect: async () => {
      adapter = await factory.connect();
      return adapter;
    },
  };
  return {
    factory: wrapped,
    register(client) {
      registry.set(client, {
        async query<T>(sql: string, args: readonly unknown[] = []) {
          if (!adapter) await client.$connect();
          if (!adapter) throw new Error("the database adapter is not connected");
          const result = await adapter.queryRaw({ sql, args: [...args], argTypes: args.map(argTypeOf) });
          return rowsOf<T>(result);
        },
      });
    },
  };
}

function argTypeOf(value: unknown): ArgType {
  if (Array.isArray(value)) return { ...argTypeOf(value[0]), arity: "list" };
  switch (typeof value) {
    case "number":
      return { scalarType: Number.isInteger(value) ? "int" : "float", arity: "scalar" };
    case "bigint":
      return { scalarType: "bigint", arity: "scalar" };
    case "boolean":
      return { scalarType: "boolean", arity: "scalar" };
    case "string":
      return { scalarType: "string", arity: "scalar" };
    default:
      return { scalarType: value instanceof Date ? "datetime" : "unknown", arity: "scalar" };
  }
}

function rowsOf<T>(result: SqlResultSet): T[] {
  const { columnNames, columnTypes, rows } = result;
  const out: T[] = [];
  for (const row of rows) {
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++) obj[columnNames[i]!] = valueOf(row[i], columnTypes[i]!);
    out.push(obj as T);
  }
  return out;
}

function valueOf(value: unknown, type: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case ColumnTypeEnum.DateTime:
      return new Date(value as string);
    case ColumnTypeEnum.Json:
      return typeof value === "string" ? JSON.parse(value) : value;
    case ColumnTypeEnum.Int64:
      return BigInt(value as string | number);
    default:
      return value;
  }
}
