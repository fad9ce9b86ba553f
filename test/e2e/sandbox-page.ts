/**
 * Drives the sandbox page in headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core; Playwright's own browsers are never downloaded). A step reads like what
 * a person does on the page:
 *
 *   await ui.as("citizen");
 *   await ui.press("📝 Өргөдөл, гомдол гаргах");
 *   await ui.send("Гудамжны гэрэл ажиллахгүй байна...");
 *   await ui.waitForBot("бүртгэгдлээ");
 *   await ui.screenshot("petition-filed");
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { DEFAULT_FLOOD_LIMIT } from "../../src/bot/middlewares/rate-limit.js";

export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOTS_DIR = path.resolve("test/artifacts/screenshots");

/** Why the browser test cannot run here, or null when it can. */
export function browserMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is missing, so the browser test of the sandbox page is skipped (apt-get install chromium).`;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh profile, nothing of it leaving this machine. */
export async function launchBrowser(viewport = { width: 1280, height: 820 }): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), "albabot-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** How long the bot may take to answer one action. */
const ACTION_TIMEOUT = 20_000;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class SandboxPage {
  /** Errors the page's scripts threw: a test checks that there were none. */
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on("pageerror", (err) => this.errors.push(err.message));
  }

  static async open(browser: Browser, url: string): Promise<SandboxPage> {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const ui = new SandboxPage(page);
    await page.goto(url);
    await page.locator("#persona-list [data-persona]").first().waitFor();
    return ui;
  }

  private messages(from: "bot" | "user" = "bot") {
    return this.page.locator(`#messages .message[data-from="${from}"]`);
  }

  /** Switches to a persona's chat. */
  async as(persona: string): Promise<void> {
    await Promise.all([
      this.page.waitForResponse((r) => r.url().endsWith(`/api/chats/${persona}`), {
        timeout: ACTION_TIMEOUT,
      }),
      this.page.locator(`#persona-list [data-persona="${persona}"]`).click(),
    ]);
    await this.page.locator(`#persona-list .persona.active[data-persona="${persona}"]`).waitFor();
  }

  /** How many actions the page has finished: it reloads the chat after each one. */
  private actionsDone(): Promise<number> {
    return this.page.evaluate(() => Number(document.body.dataset.actions ?? 0));
  }

  /**
   * Waits until the page has finished the action begun after `before` was read. The sandbox
   * answers an action once the bot has handled it, and the page then reloads the chat, so
   * the bot's answer is on screen when this returns.
   */
  private async settle(before: number): Promise<void> {
    await this.page.waitForFunction((prev) => Number(document.body.dataset.actions ?? 0) > prev, before, {
      timeout: ACTION_TIMEOUT,
    });
  }

  /** When the latest actions were sent (see `pace`). */
  private readonly sentAt: number[] = [];

  /**
   * Keeps the script under the bot's flood limit, as a person tapping would be: at most two
   * fewer actions than the limit in any of its windows. A script on a fast machine taps
   * faster than anyone, and the bot rightly drops what comes over the limit.
   */
  private async pace(): Promise<void> {
    const { max, windowMs } = DEFAULT_FLOOD_LIMIT;
    for (;;) {
      const now = Date.now();
      while (this.sentAt.length > 0 && now - this.sentAt[0]! >= windowMs) this.sentAt.shift();
      if (this.sentAt.length < max - 2) break;
      await new Promise((resolve) => setTimeout(resolve, windowMs - (now - this.sentAt[0]!) + 10));
    }
    this.sentAt.push(Date.now());
  }

  /** Types a message (or a command) and sends it with Enter. */
  async send(text: string): Promise<void> {
    await this.pace();
    const before = await this.actionsDone();
    await this.page.locator("#text").fill(text);
    await Promise.all([
      this.page.waitForResponse((r) => r.url().endsWith("/messages") && r.request().method() === "POST", {
        timeout: ACTION_TIMEOUT,
      }),
      this.page.locator("#text").press("Enter"),
    ]);
    await this.settle(before);
  }

  /** Presses the inline button with exactly this label on the latest message that has it. */
  async press(label: string): Promise<void> {
    await this.click(
      this.page
        .locator("#messages .inline-button")
        .filter({ hasText: new RegExp(`^\\s*${escape(label)}\\s*$`) })
        .last(),
    );
  }

  /** Presses the latest inline button whose label contains the text. */
  async pressContaining(text: string): Promise<void> {
    await this.click(this.page.locator("#messages .inline-button").filter({ hasText: text }).last());
  }

  private async click(button: Locator): Promise<void> {
    await button.waitFor();
    await this.pace();
    const before = await this.actionsDone();
    const [res] = await Promise.all([
      this.page.waitForResponse((r) => r.url().endsWith("/press"), { timeout: ACTION_TIMEOUT }),
      button.click(),
    ]);
    if (!res.ok()) throw new Error(`The button press was refused: ${await res.text()}`);
    await this.settle(before);
  }

  /** Labels of the inline buttons under the bot's latest message that has any. */
  async lastButtons(): Promise<string[]> {
    const keyboards = this.page.locator('#messages .message[data-from="bot"] .inline-keyboard');
    if ((await keyboards.count()) === 0) return [];
    return (await keyboards.last().locator(".inline-button").allInnerTexts()).map((t) => t.trim());
  }

  /** Telegram's "share contact" button of the reply keyboard. */
  async shareContact(): Promise<void> {
    const button = this.page.locator("#reply-keyboard .reply-button.contact");
    await button.waitFor();
    await this.pace();
    const before = await this.actionsDone();
    await Promise.all([
      this.page.waitForResponse((r) => r.url().endsWith("/contact"), { timeout: ACTION_TIMEOUT }),
      button.click(),
    ]);
    await this.settle(before);
  }

  /** Sends a file through the paperclip button. */
  async attach(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.pace();
    const before = await this.actionsDone();
    await Promise.all([
      this.page.waitForResponse((r) => r.url().includes("/files?"), { timeout: ACTION_TIMEOUT }),
      this.page.locator("#file-input").setInputFiles(file),
    ]);
    await this.settle(before);
  }

  /** Waits until a message of the bot shows the text. */
  async waitForBot(text: string | RegExp, timeout = 30_000): Promise<void> {
    await this.messages("bot").filter({ hasText: text }).last().waitFor({ timeout });
  }

  async lastBotText(): Promise<string> {
    return (await this.messages("bot").last().innerText()).trim();
  }

  async botTexts(): Promise<string[]> {
    return (await this.messages("bot").allInnerTexts()).map((t) => t.trim());
  }

  /** The unread count shown next to a persona (0 when there is no badge). */
  async unread(persona: string): Promise<number> {
    const badge = this.page.locator(`#persona-list [data-persona="${persona}"] .badge`);
    return (await badge.count()) ? Number(await badge.innerText()) : 0;
  }

  async waitForUnread(persona: string, atLeast = 1): Promise<number> {
    await this.page.waitForFunction(
      ([id, n]) =>
        Number(document.querySelector(`#persona-list [data-persona="${id}"] .badge`)?.textContent ?? 0) >= n,
      [persona, atLeast] as const,
      { timeout: 15_000 },
    );
    return this.unread(persona);
  }

  /** Moves the sandbox clock with the page's +1 hour / +1 day / +1 week buttons. */
  async advanceClock(step: "1h" | "1d" | "1w"): Promise<void> {
    await Promise.all([
      this.page.waitForResponse((r) => r.url().endsWith("/api/clock"), { timeout: 120_000 }),
      this.page.locator(`[data-step="${step}"]`).click(),
    ]);
  }

  /** Reset demo → confirm. */
  async resetDemo(): Promise<void> {
    await this.page.locator("#reset-button").click();
    await Promise.all([
      this.page.waitForResponse((r) => r.url().endsWith("/api/reset"), { timeout: 120_000 }),
      this.page.locator('#confirm-reset button[value="reset"]').click(),
    ]);
  }

  /** Saves test/artifacts/screenshots/<name>.png once the page has settled. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    await this.page.waitForTimeout(250); // live updates and images land
    const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
