/**
 * Sends a petition's photos and documents into the chat again: Telegram files by their file
 * ids, files kept in the bot's store (a Messenger citizen's) uploaded from there once.
 */
import { FileStore } from "../../files/store.js";
import { sendFileToTelegram } from "../../files/telegram.js";
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
  // On Messenger the channel's own layer turns a file reference into an upload.
  const chatId = ctx.user.channel === "TELEGRAM" ? ctx.chat?.id : undefined;
  const store = chatId !== undefined ? new FileStore({ prisma: ctx.deps.prisma, telegram: ctx.api }) : null;
  for (const f of files) {
    if (store && chatId !== undefined) await sendFileToTelegram(ctx.api, store, chatId, f);
    else if (f.kind === "PHOTO") await ctx.replyWithPhoto(f.fileId);
    else await ctx.replyWithDocument(f.fileId);
  }
}
