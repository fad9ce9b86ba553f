/**
 * Shared setup of the reporting chat tests: a plan laid out like seed 000 (percent, count,
 * yes/no and text targets, a skills goal), sent to the bot as a spreadsheet and approved by
 * the head through the bot.
 */
import { actorForUser } from "../../src/directory/users.js";
import type { PlanRow } from "../../src/reporting/plan-import.js";
import { writePlanFile } from "../../src/reporting/plan-template.js";
import type { TestBot, TestChat } from "../support/chat.js";

export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Q1 2026 is open at this moment (opens 03-06, deadline 03-20 23:59:59 Ulaanbaatar time). */
export const IN_Q1_2026 = "2026-03-10T01:00:00Z";

/** Five measures are due in Q1 (1.1–1.4 all year, 2.1 in I–II), 2.2 only in Q3. */
export function seedPlanRows(year = 2026): PlanRow[] {
  return [
    {
      goalNumber: "1",
      goalTitle: "Хүний нөөцийн бодлогыг хэрэгжүүлж, хүний нөөцийн манлайллаар хангана.",
      section: "төлөвлөгөө",
      measureNumber: "1.1",
      measure:
        "Хүний нөөцийн чиглэлээр гарсан хууль тогтоомжийн хэрэгжилтийг хангаж, байгууллагын албан хаагчдад арга зүйн дэмжлэг үзүүлнэ.",
      indicator: "Хэрэгжилтийн хувь",
      baseline: "90%",
      target: "92%",
      period: "I-IV улирал",
      dates: `${year}.01.02-12.15`,
    },
    {
      measureNumber: "1.2",
      measure: "Төрийн албан хаагчдыг чадавхжуулах, давтан сургах, мэргэшүүлэх сургалтыг зохион байгуулна.",
      indicator: "Сургалтын тоо",
      baseline: "2",
      target: "4 удаа",
      period: "I-IV улирал",
      dates: `${year}.01.02-12.15`,
    },
    {
      measureNumber: "1.3",
      measure: "Төрийн албан хаагчдын ээлжийн амралтын хуваарийг батлуулна.",
      indicator: "Хуваарь батлагдсан эсэх (тийм -1, үгүй -0)",
      baseline: "0",
      target: "1",
      period: "I улирал",
      dates: `${year}.01.02-03.15`,
    },
    {
      measureNumber: "1.4",
      measure: "Хүний нөөцийн ил тод, нээлттэй байдлыг хангаж ажиллана.",
      indicator: "Цахим хуудсанд байршуулсан мэдээлэл",
      baseline: "",
      target: "Хуульд заасан мэдээллийг цахим хуудсанд байршуулсан байна",
      period: "I-IV улирал",
      dates: `${year}.01.02-12.15`,
    },
    {
      goalNumber: "2",
      goalTitle: "Мэдлэг, ур чадвараа дээшлүүлнэ.",
      section: "ур чадвар",
      measureNumber: "2.1",
      measure: "Төрийн албаны гадаад хэлний сургалтад хамрагдана.",
      indicator: "Сургалтад хамрагдсан тоо",
      baseline: "0",
      target: "Нэгээс доошгүй",
      period: "I-II улирал",
      dates: `${year}.01.10-06.10`,
    },
    {
      measureNumber: "2.2",
      measure: "Ижил түвшний байгууллагаас туршлага судалж, сайн туршлагыг нэвтрүүлнэ.",
      indicator: "Туршлага судалсан тоо",
      baseline: "0",
      target: "1",
      period: "III улирал",
      dates: `${year}.07.01-09.30`,
    },
  ];
}

/** Sends a file to the bot as the chat's user, with the bytes stored in the emulator. */
export async function sendFile(
  tb: TestBot,
  chat: TestChat,
  file: { name: string; mime: string; data: Buffer },
): Promise<void> {
  const stored = tb.emulator.storeFile(file.name, file.mime, file.data);
  await chat.sendDocument({
    fileId: stored.fileId,
    name: file.name,
    mime: file.mime,
    size: file.data.length,
  });
}

export async function sendPlan(tb: TestBot, chat: TestChat, rows = seedPlanRows(), name = "plan-2026.xlsx") {
  await sendFile(tb, chat, { name, mime: XLSX_MIME, data: await writePlanFile(rows, "mn") });
}

/** The official sends the plan file, sends it for approval, and the head approves it. */
export async function approvedPlan(tb: TestBot, official: TestChat, head: TestChat, rows = seedPlanRows()) {
  await sendPlan(tb, official, rows);
  await official.press("📤 Send for approval");
  await tb.deliverOutbox();
  await head.press("✅ Approve");
  await tb.deliverOutbox();
}

/** The actor of a linked Telegram account (for setting up state through the services). */
export async function actorOfChat(tb: TestBot, telegramId: number) {
  const user = await tb.deps.prisma.user.findFirstOrThrow({ where: { externalId: String(telegramId) } });
  return actorForUser(tb.deps.prisma, user.id);
}

/**
 * Fills in every measure of the current period's report through the report service, ready
 * to submit. Returns the report id.
 */
export async function fillThroughService(tb: TestBot, telegramId: number, completion = 100): Promise<number> {
  const actor = await actorOfChat(tb, telegramId);
  const reports = tb.deps.services.reporting.reports;
  const view = await reports.openReport(actor);
  const level = { PERCENT: "95%", COUNT: "4", BOOLEAN: "тийм", TEXT: "Байршуулсан" } as const;
  for (const e of view.entries) {
    await reports.saveAnswer(actor, view.id, e.measureId, {
      achieved: level[e.targetType],
      narrative: `${e.number}: 46 албан хаагчид танилцуулж, 12 удаа зөвлөгөө өгсөн.`,
      completion,
    });
  }
  return view.id;
}

/**
 * Fills in and submits the current period's report through the report service (for tests
 * about what happens after submission). Returns the report id.
 */
export async function submitThroughService(
  tb: TestBot,
  telegramId: number,
  completion = 100,
): Promise<number> {
  const reportId = await fillThroughService(tb, telegramId, completion);
  await tb.deps.services.reporting.reports.submit(await actorOfChat(tb, telegramId), reportId);
  return reportId;
}

/** The chat as a readable transcript (bot and user lines, buttons in brackets). */
export function transcript(tb: TestBot, chatId: number, from = 0): string {
  return tb.emulator
    .messages(chatId)
    .slice(from)
    .map((m) => {
      const who = m.from === "bot" ? "BOT" : "YOU";
      const body = m.file
        ? `[${m.file.kind}: ${m.file.name ?? m.file.fileId}] ${m.text ?? ""}`
        : (m.text ?? "");
      const buttons = m.buttons?.length
        ? `\n    ${m.buttons.map((r) => r.map((b) => `[${b.text}]`).join(" ")).join("\n    ")}`
        : "";
      return `${who}: ${body.replace(/<\/?b>/g, "")}${buttons}`;
    })
    .join("\n");
}

/**
 * Records a conversation as it happens (what the user did, what the bot answered), for a
 * readable transcript: `PRINT_TRANSCRIPT=1 npx vitest run test/bot/report-flow.test.ts`.
 */
export class Script {
  readonly lines: string[] = [];

  constructor(readonly chat: TestChat) {}

  private record(action: string): string {
    this.lines.push(`▶ ${action}`);
    for (const m of this.chat.replies()) {
      const text = (
        m.file ? `[${m.file.kind}: ${m.file.name ?? ""}] ${m.text ?? ""}` : (m.text ?? "")
      ).replace(/<\/?b>/g, "");
      const buttons = m.buttons?.length
        ? `\n    ${m.buttons.map((r) => r.map((b) => `[${b.text}]`).join(" ")).join("\n    ")}`
        : "";
      this.lines.push(`  ${text.replace(/\n/g, "\n  ")}${buttons}`);
    }
    return this.chat.text();
  }

  async send(text: string): Promise<string> {
    await this.chat.send(text);
    return this.record(text.length > 80 ? `${text.slice(0, 60)}… (${text.length} characters)` : text);
  }

  async press(label: string): Promise<string> {
    await this.chat.press(label);
    return this.record(`[${label}]`);
  }

  async photo(): Promise<string> {
    await this.chat.sendPhoto();
    return this.record("(photo)");
  }

  async document(name: string): Promise<string> {
    await this.chat.sendDocument({ name });
    return this.record(`(file ${name})`);
  }

  async sticker(): Promise<string> {
    await this.chat.sendSticker();
    return this.record("(sticker)");
  }

  print(title: string): void {
    if (process.env.PRINT_TRANSCRIPT) console.log(`===== ${title}\n${this.lines.join("\n")}`);
  }
}
