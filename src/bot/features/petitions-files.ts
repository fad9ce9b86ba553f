/**
 * Sends a petition's photos and documents into the chat again by their Telegram file ids
 * (the bot keeps no copies).
 */
import type { AttachmentView } from "../../petitions/types.js";
import type { BotContext } from "../context.js";

export async function sendFiles(
  ctx: BotContext,
  files: Pick<AttachmentView, "kind" | "fileId">[],
): Promise<void> {
  if (files.length === 0) {
    await ctx.reply(ctx.t("petitionsBot:files.noneToSend"));
    return;
  }
  for (const f of files) {
    if (f.kind === "PHOTO") await ctx.replyWithPhoto(f.fileId);
    else await ctx.replyWithDocument(f.fileId);
  }
}
