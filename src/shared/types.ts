import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/** A Prisma client or an interactive transaction: services accept either. */
export type Tx = PrismaClient | Prisma.TransactionClient;

/** What an idempotent write did to a row (imports report these counts). */
export type UpsertOutcome = "created" | "updated" | "unchanged";
