/**
 * GET /healthz for load balancers: 200 `{ status: "ok" }` when the database answers
 * `SELECT 1` within a short timeout, 503 otherwise (and while the instance shuts down,
 * so the balancer stops sending it requests).
 */
import type { PrismaClient } from "../generated/prisma/client.js";

export interface Health {
  ok: boolean;
  body: { status: "ok" | "unavailable" | "stopping"; db?: string; error?: string };
}

export async function checkHealth(
  prisma: PrismaClient,
  opts: { engine?: string; timeoutMs?: number; stopping?: boolean } = {},
): Promise<Health> {
  if (opts.stopping) return { ok: false, body: { status: "stopping" } };
  const timeoutMs = opts.timeoutMs ?? 2_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      prisma.$queryRaw`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, body: { status: "ok", ...(opts.engine ? { db: opts.engine } : {}) } };
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    return { ok: false, body: { status: "unavailable", error: `database: ${message.split("\n")[0]}` } };
  } finally {
    clearTimeout(timer);
  }
}
