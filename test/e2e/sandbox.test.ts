/**
 * The sandbox page in a real browser: a person tries albabot the way the README says —
 * first contact, a petition filed as a citizen and answered by the official, a petition filed
 * by the citizen on Facebook Messenger (quick replies as pills, cards), an invite
 * followed by a newcomer, the clock moved a week (reminders and a digest arrive), a reset,
 * and the phone-sized layout. Screenshots of each step go to test/artifacts/screenshots.
 *
 * Skipped, with the reason printed, where /usr/bin/chromium is missing (and in the
 * PostgreSQL pass of the suite: the sandbox always runs on PGlite).
 *
 * Extending it: add an `it` that switches persona (`ui.as`), sends and presses what a
 * person would (`ui.send`, `ui.press` with the label from the locale files through `t`),
 * waits for the bot (`ui.waitForBot`) and saves a screenshot. The steps run in order on
 * one sandbox, so a later step sees what an earlier one did.
 */
import { crc32, deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "../../src/db/index.js";
import { translator } from "../../src/i18n.js";
import { openTestDatabase } from "../support/db.js";
import { startTestSandbox, type TestSandbox } from "../sandbox/support.js";
import { type Browser, browserMissing, launchBrowser, SandboxPage } from "./sandbox-page.js";

const t = translator("mn");
const en = translator("en");

/** A PNG picture (a street at dusk with a lamp) for the photos the personas send. */
function picture(width = 480, height = 320): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const sky = y < height * 0.62;
      const lamp = (x - width * 0.7) ** 2 + (y - height * 0.3) ** 2 < (height * 0.06) ** 2;
      const pole = Math.abs(x - width * 0.7) < 3 && y > height * 0.3;
      const [r, g, b] = lamp
        ? [255, 214, 102]
        : pole
          ? [60, 60, 70]
          : sky
            ? [40 + (y * 120) / height, 70 + (y * 140) / height, 140 + (y * 90) / height]
            : [90 - ((y - height * 0.62) * 40) / height, 90, 100];
      row.set([r, g, b].map(Math.round), 1 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const PHOTO = picture();

/** The words of a message's first line, without its markup: "📋 Долоо хоногийн тойм". */
function heading(html: string): string {
  return html
    .replace(/<[^>]+>/g, "")
    .split(/[(\n]/)[0]!
    .trim();
}

// The sandbox always runs on PGlite: the PostgreSQL pass of the suite has nothing to add here.
const skipped =
  browserMissing() ??
  (inject("dbEngine") === "postgres"
    ? "The sandbox runs on PGlite only: its browser test is skipped on PostgreSQL."
    : null);
if (skipped) console.log(skipped);

describe.skipIf(skipped !== null)("the sandbox page in Chromium", { timeout: 180_000 }, () => {
  let db: Database;
  let sandbox: TestSandbox;
  let browser: Browser;
  let ui: SandboxPage;

  beforeAll(async () => {
    db = await openTestDatabase();
    sandbox = await startTestSandbox(db);
    browser = await launchBrowser();
    ui = await SandboxPage.open(browser, sandbox.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    await db?.close();
  });

  it("first contact: /start asks the language, then shows the citizen's menu", async () => {
    await ui.as("visitor");
    await ui.page.locator('#empty button[data-send="/start"]').click();
    await ui.waitForBot("Choose your language");
    await ui.press(en("common:language.en"));
    await ui.waitForBot(en("common:start.welcomeCitizen").slice(0, 20));
    expect(await ui.lastBotText()).toContain(en("common:menu.petitionNew"));
    await ui.screenshot("01-first-contact");
  });

  it("a citizen files a petition with a photo and their phone number", async () => {
    await ui.as("citizen");
    await ui.send("/menu");
    await ui.press(t("common:menu.petitionNew"));
    await ui.press(t("petitions:kind.REQUEST"));
    await ui.press("Төрийн үйлчилгээ, цахим үйлчилгээ"); // a topic of examples/demo-aimag.yaml
    await ui.send(
      "Төрийн үйлчилгээний төвийн цахим дугаарлалтын машин долоо хоног ажиллахгүй байна. Засуулж өгнө үү.",
    );
    await ui.waitForBot(t("petitionsBot:files.none"));
    await ui.attach({ name: "дугаарлалт.png", mimeType: "image/png", buffer: PHOTO });
    await ui.page.locator('#messages .message[data-from="user"] .photo img').last().waitFor();
    await ui.press(t("petitionsBot:files.done"));
    await ui.send("Б.Болормаа");
    await ui.page.locator("#reply-keyboard .reply-button.contact").waitFor();
    await ui.screenshot("02-petition-share-contact");
    await ui.shareContact();
    await ui.press(t("petitionsBot:intake.consentYes"));
    await ui.waitForBot("Б.Болормаа");
    await ui.press(t("petitionsBot:summary.submit"));
    await ui.waitForBot("ӨГ-2026-000006");
    await ui.screenshot("03-petition-registered");
  });

  it("the official gets it, answers it, and the answer reaches the citizen", async () => {
    // Online services are routed to Б.Тэмүүлэн (see the routing of the demo file).
    expect(await ui.waitForUnread("admin")).toBeGreaterThan(0);
    await ui.as("admin");
    await ui.waitForBot("ӨГ-2026-000006");
    await expect.poll(() => ui.unread("admin")).toBe(0); // read once shown
    await ui.press(t("petitions:button.answer"));
    await ui.send(
      "Дугаарлалтын машиныг 3 сарын 11-нд засварлаж, хэвийн ажиллагаанд орууллаа. Хүндэтгэсэн, Б.Тэмүүлэн.",
    );
    await ui.press(t("petitionsBot:staff.sendAnswer"));
    await ui.waitForBot("ӨГ-2026-000006");
    await ui.screenshot("04-official-answered");

    expect(await ui.waitForUnread("citizen")).toBeGreaterThan(0);
    await ui.as("citizen");
    await ui.waitForBot("засварлаж");
    await ui.screenshot("05-citizen-receives-answer");
  });

  it("a citizen on Facebook Messenger files a petition with quick replies and cards", async () => {
    await ui.as("messenger");
    await ui.page.locator('#empty button[data-send="/start"]').click(); // Get Started
    await ui.waitForBot("Choose your language");
    await ui.page.locator("#messages.messenger .quick-replies .quick-reply").first().waitFor();
    await ui.press(en("common:language.en"));
    await ui.pressContaining("File a petition");
    await ui.pressContaining("Aimag Governor");
    await ui.pressContaining(en("petitions:kind.REQUEST"));
    await ui.pressContaining("Public and");
    await ui.send("The queue ticket machine at the public service centre has not worked for a week.");
    await ui.waitForBot(/attach up to/);
    await ui.attach({ name: "machine.png", mimeType: "image/png", buffer: PHOTO });
    await ui.pressContaining("Done");
    await ui.send("N. Oyuunchimeg");
    await ui.press("📞 Phone number"); // Messenger's phone-number quick reply
    await ui.pressContaining("I agree");
    await ui.screenshot("05b-messenger-summary");
    await ui.pressContaining("Submit");
    await ui.waitForBot(/ӨГ-2026-\d{6}/);
    expect(await ui.page.locator("#messages .message.refused").count()).toBe(0);
    await ui.screenshot("05c-messenger-registered");
    expect(ui.errors).toEqual([]);
  });

  it("an admin creates an invite; the newcomer follows the link and is linked", async () => {
    await ui.as("admin");
    await ui.send("/menu");
    await ui.press(t("common:menu.invite"));
    await ui.send("Сарантуяа");
    await ui.pressContaining("О.Сарантуяа");
    await ui.waitForBot("start=inv_");
    await ui.screenshot("06-invite-created");

    // The link opens in the chat of the persona one picks, as forwarding it would.
    await ui.page.locator('#messages a[href*="start=inv_"]').last().click();
    await ui.page.locator("#open-as").waitFor();
    await Promise.all([
      ui.page.waitForResponse((r) => r.url().endsWith("/messages")),
      ui.page.locator('#open-as-list [data-persona="newcomer"]').click(),
    ]);
    await ui.press(t("common:language.mn"));
    await ui.waitForBot("О.Сарантуяа");
    await expect
      .poll(() => ui.page.locator('#persona-list [data-persona="newcomer"]').innerText())
      .toContain("joined through an invite");
    await ui.screenshot("07-invite-accepted");
  });

  it("moving the clock a week brings the report reminder and the head's digest", async () => {
    await ui.as("official");
    await ui.advanceClock("1w");
    // 17 March 2026: the Q1 report is due on the 20th; Monday the 16th was digest day.
    await expect.poll(() => ui.page.locator("#clock-time").innerText()).toContain("17 Mar 2026");
    await ui.waitForBot(/2026\.03\.20/);
    await ui.screenshot("08-report-reminder");

    expect(await ui.waitForUnread("head")).toBeGreaterThan(0);
    await ui.as("head");
    await ui.waitForBot(heading(t("scheduling:digest.weeklyTitle", { date: "", body: "" })));
    await ui.screenshot("09-head-digest");
  });

  it("the official fills the quarterly report from the reminder; the head approves it", async () => {
    await ui.as("official");
    await ui.press(t("scheduling:button.openReport")); // the button under the reminder
    // The first measure: the level reached, what was done, the completion, a photo as evidence.
    await ui.send("85");
    await ui.send(
      "Хүнс, хөдөө аж ахуйн салбарын 2026 оны төлөвлөгөөний 12 арга хэмжээнээс 10-ыг хэрэгжүүлж, " +
        "хэрэгжилт 85%-д хүрлээ (2025 онд 78%).",
    );
    // When the plan gives the measure's dates, one tap takes them.
    const asPlanned = t("reportingBot:button.planDates", { value: "" }).trim();
    if ((await ui.lastButtons()).some((b) => b.startsWith(asPlanned))) await ui.pressContaining(asPlanned);
    await ui.pressContaining(t("reportingBot:button.suggested", { value: "" }).replace("%", "").trim());
    await ui.attach({ name: "уулзалт.png", mimeType: "image/png", buffer: PHOTO });
    await ui.press(t("reportingBot:button.done"));
    // The other measures: declared not due this time, with a reason (Skip would leave them
    // unanswered, and the summary would not offer Submit).
    const noMoreTasks = t("reportingBot:button.noMoreTasks");
    const notDue = t("reportingBot:button.notDue");
    const anyway = t("reportingBot:button.notDueAnyway");
    for (let i = 0; i < 120 && !(await ui.lastButtons()).includes(noMoreTasks); i++) {
      const buttons = await ui.lastButtons();
      if (buttons.includes(anyway)) await ui.press(anyway);
      else if (buttons.includes(notDue)) await ui.press(notDue);
      else await ui.send("Энэ арга хэмжээг II улиралд хэрэгжүүлэхээр төлөвлөсөн.");
    }
    await ui.press(noMoreTasks);
    await ui.waitForBot("85%");
    await ui.screenshot("10-report-summary");
    await ui.press(t("reportingBot:button.submit")); // the summary
    await ui.press(t("reportingBot:button.submit")); // "send it to your head?"
    await ui.waitForBot("DOCX");

    expect(await ui.waitForUnread("head")).toBeGreaterThan(0);
    await ui.as("head");
    await ui.waitForBot("Ч.Дүүрэнбилиг");
    await ui.press(t("reporting:buttons.approve"));
    await ui.screenshot("11-head-approved-report");
    expect(await ui.waitForUnread("official")).toBeGreaterThan(0);
  });

  it("resets the demo", async () => {
    await ui.resetDemo();
    await ui.as("visitor");
    await expect.poll(() => ui.page.locator("#empty").isVisible()).toBe(true);
    await expect.poll(() => ui.page.locator("#clock-offset").isVisible()).toBe(false);
    expect(await db.prisma.petition.count()).toBe(5);
  });

  it("fits a phone screen", async () => {
    await ui.page.setViewportSize({ width: 390, height: 844 });
    await ui.page.locator("#toast").waitFor({ state: "hidden" });
    await ui.as("official");
    await ui.screenshot("12-phone");
    expect(ui.errors).toEqual([]);
  });
});
