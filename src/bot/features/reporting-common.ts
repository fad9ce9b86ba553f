/**
 * Small pieces the reporting features share: reading a button's id, entering a
 * conversation with arguments, sending long texts in parts, and files to and from the chat.
 */
import { InputFile } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { ExportedFile } from "../../reporting/export.js";
import { idAt, parseAction } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import type { BotContext } from "../context.js";
import { enterConversation } from "../conversations/kit.js";
import { splitMessages } from "./reporting-format.js";

/** The numeric id at `index` of the pressed button's action, or null when forged. */
export function actionId(ctx: BotContext, index = 0): number | null {
  const parsed = parseAction(ctx.callbackQuery?.data);
  return parsed ? idAt(parsed, index) : null;
}

/** The polite answer to a malformed or outdated button. */
export async function staleButton(ctx: BotContext): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t("common:unhandled.staleButton") });
}

/** Answers the button press (if any) so the client stops its spinner. */
export async function acknowledge(ctx: BotContext): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
}

/**
 * Enters a conversation with arguments (the report or plan it is about), unless another
 * conversation is in progress: then the kit says which one, politely.
 */
export async function enterWith(
  ctx: BotContext,
  id: string,
  nameKey: string,
  ...args: unknown[]
): Promise<void> {
  if (Object.keys(ctx.conversation.active()).length > 0) return enterConversation(ctx, id, nameKey);
  await acknowledge(ctx);
  await ctx.conversation.enter(id, ...args);
}

/** Sends blocks of HTML in as few messages as fit; the keyboard goes under the last one. */
export async function sendBlocks(
  ctx: BotContext,
  blocks: readonly string[],
  keyboard: InlineKeyboardButton[][] = [],
): Promise<void> {
  const messages = splitMessages(blocks);
  for (const [i, text] of messages.entries()) {
    const last = i === messages.length - 1;
    await ctx.reply(text, last && keyboard.length > 0 ? { reply_markup: { inline_keyboard: keyboard } } : {});
  }
}

/** Sends a generated file (report export, plan template) as a document. */
export async function sendFile(
  ctx: BotContext,
  file: Pick<ExportedFile, "data" | "fileName">,
): Promise<void> {
  await ctx.replyWithDocument(new InputFile(file.data, file.fileName));
}

/**
 * Downloads a file the user sent: getFile gives its path, the bytes come from
 * `<apiRoot>/file/bot<token>/<path>` (Telegram, a self-hosted Bot API server, or the
 * emulator of the sandbox and tests, which answers through the same client fetch).
 */
export async function downloadFile(ctx: BotContext, fileId: string): Promise<Buffer> {
  const file = await ctx.api.getFile(fileId);
  if (!file.file_path) throw new DomainError("reportingBot:import.downloadFailed");
  const root = ctx.api.options?.apiRoot ?? ctx.deps.config.TELEGRAM_API_ROOT;
  const doFetch = (ctx.api.options?.fetch as typeof fetch | undefined) ?? fetch;
  const res = await doFetch(`${root}/file/bot${ctx.api.token}/${file.file_path}`);
  if (!res.ok) throw new DomainError("reportingBot:import.downloadFailed");
  return Buffer.from(await res.arrayBuffer());
}
