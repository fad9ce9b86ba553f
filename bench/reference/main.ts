/**
 * The reference bot of the webhook benchmark: the smallest bot built on the same stack as
 * albabot — grammY with `webhookCallback` on node:http, Prisma over `@prisma/adapter-pg`
 * (DATABASE_URL) or PGlite (DATA_DIR) — doing one INSERT and one reply per update. What
 * albabot costs beyond it is the cost of its features and guarantees.
 *
 * Environment: PORT, BOT_TOKEN, TELEGRAM_API_ROOT, WEBHOOK_SECRET, and DATABASE_URL or
 * DATA_DIR. Serves POST /telegram and GET /healthz.
 */
import { createServer } from "node:http";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { Bot, webhookCallback } from "grammy";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../src/generated/prisma/client.js";
import { EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";

const env = process.env;

async function openPrisma(): Promise<{ prisma: PrismaClient; close: () => Promise<void> }> {
  if (env.DATABASE_URL) {
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: env.DATABASE_URL, max: 10 }),
    });
    return { prisma, close: () => prisma.$disconnect() };
  }
  const pglite = new PGlite(path.resolve(env.DATA_DIR ?? "./data", "db"));
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function main() {
  const { prisma, close } = await openPrisma();
  await prisma.$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS "ReferenceUpdate" ("updateId" bigint PRIMARY KEY, "chatId" bigint, payload jsonb NOT NULL)`,
  );

  const bot = new Bot(env.BOT_TOKEN!, {
    botInfo: EMULATED_BOT as never,
    client: { apiRoot: env.TELEGRAM_API_ROOT },
  });
  bot.use(async (ctx) => {
    await prisma.$executeRaw`
      INSERT INTO "ReferenceUpdate" ("updateId", "chatId", payload)
      VALUES (${BigInt(ctx.update.update_id)}, ${ctx.chat?.id ?? null}, ${JSON.stringify(ctx.update)}::jsonb)
      ON CONFLICT DO NOTHING`;
    if (ctx.chat) await ctx.api.sendMessage(ctx.chat.id, `OK ${ctx.update.update_id}`);
  });

  const handle = webhookCallback(bot, "http", { secretToken: env.WEBHOOK_SECRET });
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/healthz") {
      res.writeHead(200).end("ok");
      return;
    }
    if (req.method === "POST" && req.url === "/telegram") {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  server.listen(Number(env.PORT), "127.0.0.1");
  const stop = () => {
    server.close();
    void close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
