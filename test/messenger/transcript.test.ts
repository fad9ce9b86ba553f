/**
 * A Mongolian citizen's whole intake on Messenger, read back as the person sees it: every
 * message fits the platform (the emulator checks), Mongolian throughout, the junk of a
 * Messenger chat (reactions, locations) answered at a step, and the number at the end.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/db.js";
import { messengerWorld } from "./support.js";

describe("a Mongolian citizen on Messenger", () => {
  const db = useTestDatabase();

  it("files a petition in Mongolian from a referral link", async () => {
    const w = await messengerWorld(db);
    const u = w.emulator.user("24600000000099");
    await u.getStarted("org_aimag");
    await u.tap("🇲🇳 Монгол");
    await u.tap("📝 Өргөдөл гаргах");
    await u.tap("Өргөдөл");
    await u.tap("Нийгмийн халамж");
    await u.react();
    expect(u.text().length).toBeGreaterThan(0);
    await u.location();
    expect(u.text().length).toBeGreaterThan(0);
    await u.send("Хүүхдийн мөнгө 1-р сараас хойш орж ирээгүй байна, бүх бичиг баримтаа хугацаанд нь өгсөн.");
    await u.sendImage();
    expect(u.text()).toContain("1.");
    await u.tap("✅ Болсон");
    await u.send("Б.Болд");
    await u.sharePhone("+97699112233");
    expect(u.text()).toContain("Meta");
    const agree = u.quickReplies().find((q) => q.title?.includes("Зөвшөөр"));
    await u.tap(agree?.title as string);
    const submit = u.quickReplies().find((q) => q.title?.includes("Илгээх"));
    await u.tap(submit?.title as string);
    expect(u.text()).toMatch(/ӨГ-2026-\d+/);
    expect(w.emulator.violations).toEqual([]);
    if (process.env.MESSENGER_TRANSCRIPT) {
      const lines = w.emulator.thread(u.psid).map((m) => {
        const who = m.from === "page" ? "Page" : "Хэрэглэгч";
        const body = m.text ?? (m.attachment ? `[${m.attachment.type}]` : "");
        const pills = m.quickReplies?.map((q) => `(${q.title ?? "📞 утас"})`).join(" ") ?? "";
        return `${who}: ${body}${pills ? `\n   ${pills}` : ""}`;
      });
      writeFileSync(process.env.MESSENGER_TRANSCRIPT, lines.join("\n"));
    }
  });
});
