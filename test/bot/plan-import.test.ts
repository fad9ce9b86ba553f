/**
 * Plans in the chat: the seed-based example plans sent to the bot as files, a broken file
 * with its row errors (nothing saved), the template, /plan, sending for approval, the
 * head's approval and return, and nobody else seeing or deciding on a plan.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/db/schema-engine.js";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestBot, type TestBot } from "../support/chat.js";
import { useTestDatabase } from "../support/db.js";
import { linkTelegram, seedOrganization, TG } from "../support/fixtures.js";
import { IN_Q1_2026, seedPlanRows, sendFile, sendPlan, XLSX_MIME } from "./report-helpers.js";

const EXAMPLES = path.join(PROJECT_ROOT, "examples/plans");
const example = (name: string) => readFileSync(path.join(EXAMPLES, name));

describe("plans in the chat", () => {
  const db = useTestDatabase();

  async function setup(at = IN_Q1_2026) {
    const { prisma } = db();
    const fx = await seedOrganization(prisma);
    for (const [tg, person] of [
      [TG.official, fx.people.official],
      [TG.official2, fx.people.official2],
      [TG.head, fx.people.head],
      [TG.orgHead, fx.people.orgHead],
      [TG.otherOrgClerk, fx.people.otherOrgClerk],
    ] as const) {
      await linkTelegram(prisma, tg, person.id);
    }
    const tb = await createTestBot(db(), { clock: new ManualClock(at) });
    return {
      prisma,
      fx,
      tb,
      official: tb.chat({ id: TG.official }),
      official2: tb.chat({ id: TG.official2 }),
      head: tb.chat({ id: TG.head }),
      orgHead: tb.chat({ id: TG.orgHead }),
      stranger: tb.chat({ id: TG.otherOrgClerk }),
    };
  }

  function documents(tb: TestBot, chatId: number) {
    return tb.emulator.messages(chatId).filter((m) => m.from === "bot" && m.file?.kind === "document");
  }

  it("imports the seed-based example plans sent to the bot as XLSX and CSV", async () => {
    // The examples are plans of the demo year (seeds 000 and 001): an official in March 2026 sends them.
    const { prisma, tb, official, official2 } = await setup("2026-03-10T01:00:00Z");
    await sendFile(tb, official, {
      name: "plan-000-hr-specialist.xlsx",
      mime: XLSX_MIME,
      data: example("plan-000-hr-specialist.xlsx"),
    });
    let out = official.text();
    expect(out).toContain("✅ Plan imported for 2026: version 1, 4 goals, 24 measures.");
    expect(out).toContain("Remarks (they do not block approval):");
    expect(out).toContain("have no measurable indicator or target");
    expect(official.buttonTexts()).toEqual(["📤 Send for approval", "🗂 Open the plan"]);

    // The same plan as CSV: a new version that replaces the one not yet approved.
    await sendFile(tb, official, {
      name: "plan-000-hr-specialist.csv",
      mime: "text/csv",
      data: example("plan-000-hr-specialist.csv"),
    });
    out = official.text();
    expect(out).toContain("✅ Plan imported for 2026: version 2, 4 goals, 24 measures.");
    expect(out).toContain("It replaces the earlier version that was not approved.");

    await sendFile(tb, official2, {
      name: "plan-001-food-agriculture.xlsx",
      mime: XLSX_MIME,
      data: example("plan-001-food-agriculture.xlsx"),
    });
    out = official2.text();
    expect(out).toContain("✅ Plan imported for 2026: version 1, 5 goals, 30 measures.");
    expect(out).toContain(
      "The knowledge and skills development section has 0 measures; it should have at least 2.",
    );

    const plans = await prisma.performancePlan.findMany({ orderBy: { id: "asc" }, include: { goals: true } });
    expect(plans.map((p) => [p.version, p.status, p.goals.length])).toEqual([
      [1, "SUPERSEDED", 4],
      [2, "DRAFT", 4],
      [1, "DRAFT", 5],
    ]);

    // The whole plan, split into messages that fit Telegram's limit.
    await official.press("🗂 Open the plan");
    const replies = official.replies();
    expect(replies.length).toBeGreaterThan(1);
    for (const m of replies) expect((m.text ?? "").length).toBeLessThanOrEqual(4096);
    out = official.text();
    expect(out).toContain("Performance plan 2026</b>: Н.Ванчинсэмбэрүү");
    expect(out).toContain("Version 2 · Draft · 4 goals, 24 measures");
    expect(out).toContain(
      "<b>Goal 4. Мэдлэг, ур чадвараа дээшлүүлнэ.</b> (Knowledge and skills development)",
    );
    expect(out).toContain(
      "Indicator: Хэрэгжилтийн хувь · baseline 90% → target 92% (Percent) · quarters: I, II",
    );
    expect(official.buttonTexts()).toEqual(["📤 Send for approval"]);
  });

  it("refuses a broken file with every row error in the user's language, and saves nothing", async () => {
    const { prisma, tb, official } = await setup();
    const header = example("plan-000-hr-specialist.csv").toString("utf8").split("\n")[0];
    const csv = [
      header,
      "1,Хүний нөөцийн бодлогыг хэрэгжүүлнэ.,төлөвлөгөө,1.1,Хууль тогтоомжийн хэрэгжилтийг хангана.,Хэрэгжилтийн хувь,90%,1O0%,I-IV улирал,2026.01.02-06.15,",
      ",,,1.2,Сургалт зохион байгуулна.,Сургалтын тоо,2,4 удаа,V улирал,2026.01.02-06.15,",
      ",,,1.3,,Хэрэгжилтийн хувь,90%,92%,,,",
      ",,,1.4,Тайлан гаргана.,Хэрэгжилтийн хувь,90%,92%,I улирал,2026.06.15-01.02,",
    ].join("\n");
    await sendFile(tb, official, {
      name: "broken-plan.csv",
      mime: "text/csv",
      data: Buffer.from(csv, "utf8"),
    });
    const out = official.text();
    expect(out).toContain("❌ The file «broken-plan.csv» was not imported: 4 errors. Nothing was saved.");
    expect(out).toContain('Row 2, column «Хүрэх түвшин»: Could not read the target "1O0%".');
    expect(out).toContain('Row 3, column «Хугацаа (улирал)»: Could not read the period "V улирал".');
    expect(out).toContain("Row 4, column «Зорилтыг хэрэгжүүлэх арга хэмжээ»: The measure is missing.");
    expect(out).toContain(
      'Row 5, column «Эхлэх, дуусах хугацаа»: "2026.06.15-01.02": the end comes before the start.',
    );
    expect(out).toContain("Correct the file and send it again.");
    expect(official.buttonTexts()).toEqual(["📥 Download the template"]);
    expect(await prisma.performancePlan.count()).toBe(0);

    // A file that is no spreadsheet at all.
    await sendFile(tb, official, {
      name: "notes.xlsx",
      mime: XLSX_MIME,
      data: Buffer.from("PK\u0003\u0004 broken"),
    });
    expect(official.text()).toContain('Could not read "notes.xlsx".');
    expect(await prisma.performancePlan.count()).toBe(0);

    // The template, in the user's language.
    await official.press("📥 Download the template");
    const doc = documents(tb, TG.official).at(-1);
    expect(doc?.file?.name).toBe("performance-plan-template.xlsx");
    const data = tb.emulator.file(doc?.file?.fileId ?? "")?.data;
    expect(data?.subarray(0, 2).toString()).toBe("PK");
  });

  it("/plan without a plan offers the template", async () => {
    const { official } = await setup();
    await official.send("/plan");
    expect(official.text()).toContain("You have no performance plan for 2026 yet.");
    expect(official.buttonTexts()).toEqual(["📥 Download the template"]);
  });

  it("the head approves or returns a plan; the official resends a corrected version", async () => {
    const { prisma, tb, official, head } = await setup();
    await sendPlan(tb, official);
    await official.send("/plan");
    let out = official.text();
    expect(out).toContain("Performance plan 2026</b>: Н.Ванчинсэмбэрүү");
    expect(out).toContain("Version 1 · Draft · 2 goals, 6 measures");
    expect(official.buttonTexts()).toEqual([
      "🗂 Open the plan",
      "📤 Send for approval",
      "📥 Download the template",
    ]);
    await official.press("📤 Send for approval");
    out = official.text();
    expect(out).toContain("Your 2026 plan (version 1) is sent to your head for approval.");
    expect(out).toContain("Measure 1.4 has no measurable indicator or target.");

    await tb.deliverOutbox();
    expect(head.lastText()).toContain(
      "<b>Н.Ванчинсэмбэрүү</b> sent the 2026 performance plan (version 1) for approval",
    );
    await head.press("🗂 Open the plan");
    expect(head.text()).toContain("⚠️ Measure 1.4 has no measurable indicator or target.");
    expect(head.buttonTexts()).toEqual(["✅ Approve", "↩️ Return"]);
    await head.press("↩️ Return");
    expect(head.text()).toContain("Why do you return the 2026 plan of <b>Н.Ванчинсэмбэрүү</b>?");
    await head.send("1.4-т хэмжигдэхүйц шалгуур үзүүлэлт бичнэ үү.");
    expect(head.text()).toContain("The plan is returned to Н.Ванчинсэмбэрүү with your comment.");

    await tb.deliverOutbox();
    expect(official.lastText()).toContain(
      "Your 2026 performance plan (version 1) was returned.\nComment: 1.4-т хэмжигдэхүйц шалгуур үзүүлэлт бичнэ үү.",
    );
    await official.send("/plan");
    expect(official.text()).toContain(
      "Returned with the comment: 1.4-т хэмжигдэхүйц шалгуур үзүүлэлт бичнэ үү.",
    );

    // A corrected file: 1.4 gets a measurable target.
    const rows = seedPlanRows();
    Object.assign(rows[3] as object, { indicator: "Байршуулсан мэдээллийн тоо", target: "8" });
    await sendPlan(tb, official, rows, "plan-2026-v2.xlsx");
    expect(official.text()).toContain("version 2, 2 goals, 6 measures");
    expect(official.text()).not.toContain("Remarks");
    await official.press("📤 Send for approval");
    await tb.deliverOutbox();
    expect(head.lastText()).toContain("(version 2) for approval");
    await head.press("✅ Approve");
    expect(head.text()).toContain("Approved: the 2026 plan of Н.Ванчинсэмбэрүү (version 2).");
    await tb.deliverOutbox();
    expect(official.lastText()).toContain("Your 2026 performance plan (version 2) is approved.");
    const plans = await prisma.performancePlan.findMany({ orderBy: { version: "asc" } });
    expect(plans.map((p) => p.status)).toEqual(["SUPERSEDED", "APPROVED"]);

    // Pressing the old notification's buttons again changes nothing.
    await head.pressData(`pl:ok:${plans[0]?.id}`);
    expect(head.lastCallbackAnswer()).toBe("This plan is not waiting for approval.");

    // /plan: the approved plan and each measure's progress (Q1 not reported yet).
    await official.send("/plan");
    out = official.text();
    expect(out).toContain("Version 2 · Approved · 2 goals, 6 measures");
    expect(out).toContain("First quarter: —");
    expect(out).toContain("<b>1.1</b> Хүний нөөцийн чиглэлээр гарсан хууль тогтоомжийн");
    expect(official.buttonTexts()).toEqual(["🗂 Open the plan", "📥 Download the template"]);
  });

  it("nobody else sees or decides on a plan, whatever button they forge", async () => {
    const { prisma, tb, official, official2, head, orgHead, stranger } = await setup();
    await sendPlan(tb, official);
    await official.press("📤 Send for approval");
    const plan = await prisma.performancePlan.findFirstOrThrow();

    for (const data of [`pl:open:${plan.id}`, `pl:ok:${plan.id}`, `pl:ret:${plan.id}`, `pl:sub:${plan.id}`]) {
      await official2.pressData(data);
      expect(official2.lastCallbackAnswer(), data).toBe("You are not allowed to do this.");
    }
    // The official cannot approve or return their own plan.
    await official.pressData(`pl:ok:${plan.id}`);
    expect(official.lastCallbackAnswer()).toBe("You are not allowed to do this.");
    await official.pressData(`pl:ret:${plan.id}`);
    expect(official.lastCallbackAnswer()).toBe("You are not allowed to do this.");
    // Another organisation: not even its existence.
    await stranger.pressData(`pl:open:${plan.id}`);
    expect(stranger.lastCallbackAnswer()).toBe("Not found, or you are not allowed to see it.");
    // Malformed and unknown ids.
    await head.pressData("pl:ok:abc");
    expect(head.lastCallbackAnswer()).toBe("This button is no longer active. Open a fresh menu with /menu.");
    await head.pressData("pl:ok:999999");
    expect(head.lastCallbackAnswer()).toBe("Not found, or you are not allowed to see it.");

    // Official2's unit (Development) has no head: the organisation head reviews, not the
    // head of another unit.
    await sendPlan(tb, official2);
    await official2.press("📤 Send for approval");
    const plan2 = await prisma.performancePlan.findFirstOrThrow({
      where: { personId: { not: plan.personId } },
    });
    await head.pressData(`pl:ok:${plan2.id}`);
    expect(head.lastCallbackAnswer()).toBe("You are not allowed to do this.");
    await tb.deliverOutbox();
    expect(orgHead.lastText()).toContain("<b>Б.Болд</b> sent the 2026 performance plan");

    expect((await prisma.performancePlan.findMany()).map((p) => p.status)).toEqual([
      "SUBMITTED",
      "SUBMITTED",
    ]);
  });

  it("imports in Mongolian", async () => {
    const { prisma, fx, tb, official } = await setup();
    await linkTelegram(prisma, TG.official, fx.people.official.id, "mn");
    await sendPlan(tb, official);
    const out = official.text();
    expect(out).toContain("✅ 2026 оны төлөвлөгөөг орууллаа: 1-р хувилбар, 2 зорилт, 6 арга хэмжээ.");
    expect(out).toContain("Анхааруулга (батлахад саад болохгүй):");
    expect(official.buttonTexts()).toEqual(["📤 Батлуулахаар илгээх", "🗂 Төлөвлөгөөг харах"]);
    await official.press("📤 Батлуулахаар илгээх");
    expect(official.text()).toContain("2026 оны төлөвлөгөөг (1-р хувилбар) даргадаа батлуулахаар илгээлээ.");
  });
});
