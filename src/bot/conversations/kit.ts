/**
 * The toolkit every conversation uses, so that every step behaves the same way:
 * - the question is asked with its buttons plus the navigation buttons it allows
 *   (back, skip, save-and-leave, cancel);
 * - wrong input (a sticker where text is due, too long, invalid, a stray command) gets a
 *   clear answer in the user's language and the question is asked again;
 * - buttons that belong to another message (a notification's "accept", an old menu) are
 *   passed on to the rest of the bot, and the conversation keeps waiting;
 * - service calls run through `call`, outside the replay, with JSON results, so a
 *   conversation resumes identically after a restart of the bot;
 * - a long conversation "continues as new" (`continueAs`): it ends and a fresh one is
 *   entered in the same update with where it stands as arguments. The plugin replays a
 *   conversation's whole log at every update, so one conversation per part (a report's
 *   measure, say) keeps each update's cost and the stored state from growing with the
 *   steps before it.
 */
import { randomUUID } from "node:crypto";
import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard, type MiddlewareFn } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { TFunction } from "i18next";
import type { Actor } from "../../directory/actor.js";
import { isTransientDbError, RetryLater } from "../../db/transient.js";
import { type Locale, translator } from "../../i18n.js";
import type { Services } from "../../services.js";
import { DomainError } from "../../shared/errors.js";
import { withRequestKeys } from "../../shared/request-key.js";
import type { BotContext, ConvContext } from "../context.js";

export type BotConversation = Conversation<BotContext, ConvContext>;

export type Nav = "back" | "skip" | "leave" | "cancel";
export type Answer<T> = { value: T; nav?: undefined } | { nav: Nav; value?: undefined };

/** A validator's verdict: a value, or a locale key that explains what is wrong. */
export type Check<T> = { ok: true; value: T } | { ok: false; key: string; params?: Record<string, unknown> };

export interface StepOptions {
  /** Navigation buttons offered under the question. `cancel` is always possible via /cancel. */
  nav?: Nav[];
  /** Extra inline buttons above the navigation. */
  keyboard?: InlineKeyboardButton[][];
}

export interface Kit {
  t: TFunction;
  locale: Locale;
  actor: Actor;
  /**
   * A random id of this run of the conversation, fixed for its whole life (replayed like
   * any external result): the key that makes its state-changing calls safe to repeat, e.g.
   * one petition per intake however often "Submit" is delivered. Empty for a conversation
   * begun before this id existed.
   */
  instanceId: string;
  conversation: BotConversation;
  /**
   * `conversation.external` that keeps a transient database failure transient (the
   * plugin stores a thrown error in its log as a plain clone): the update is then left
   * unfinished and handled again (middlewares/unfinished.ts) instead of failing.
   */
  external<R>(task: (outer: BotContext) => R | Promise<R>): Promise<R>;
  /** Runs a service call once (its JSON result is replayed); DomainErrors pass through. */
  call<R>(fn: (services: Services, outer: BotContext) => Promise<R>): Promise<R>;
  /** Sends a message now (not repeated on replay). */
  say(text: string, keyboard?: InlineKeyboardButton[][]): Promise<void>;
  askText(
    prompt: string,
    opts?: StepOptions & { max?: number; min?: number; validate?: (text: string) => Check<string> },
  ): Promise<Answer<string>>;
  choose<V extends string>(
    prompt: string,
    options: { label: string; value: V }[],
    opts?: StepOptions & { columns?: number },
  ): Promise<Answer<V>>;
  /** Waits for any update; returns navigation or the update's context for the caller to read. */
  askAny(
    prompt: string,
    accept: (ctx: ConvContext) => boolean | Promise<boolean>,
    opts?: StepOptions & { wrongKey?: string },
  ): Promise<Answer<ConvContext>>;
  /**
   * Ends this conversation and enters `name` with `args` (JSON values) in the same update
   * (`followContinuations`): return right after it. The new conversation starts with an
   * empty log, so a conversation that walks many parts continues as new at each part's end
   * and replays only the part in progress.
   */
  continueAs(name: string, ...args: unknown[]): Promise<void>;
}

const NAV_PREFIX = "nav:";
/** How a transient failure is kept in the conversation's log (see `external`). */
const TRANSIENT_MARK = "transientFailure";
/** What middlewares/sanitize.ts puts in place of a broken character. */
const DAMAGED = "\uFFFD";
/** Callback data of a step's own option buttons: `opt:<index>`. */
export const OPTION_PREFIX = "opt:";

/** The navigation buttons' labels, by translator (one per locale): built once. */
const navLabels = new WeakMap<TFunction, Record<Nav, string>>();

export function navKeyboard(t: TFunction, nav: Nav[] = []): InlineKeyboardButton[][] {
  let labels = navLabels.get(t);
  if (!labels) {
    labels = {
      back: t("common:conversation.back"),
      skip: t("common:conversation.skip"),
      leave: t("common:conversation.saveLeave"),
      cancel: t("common:conversation.cancel"),
    };
    navLabels.set(t, labels);
  }
  const row = nav.map((n) => InlineKeyboard.text((labels as Record<Nav, string>)[n], `${NAV_PREFIX}${n}`));
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < row.length; i += 2) rows.push(row.slice(i, i + 2));
  return rows;
}

/** Builds the kit. The locale and actor are read once and stay fixed for the conversation. */
export async function makeKit(conversation: BotConversation, name: string): Promise<Kit> {
  function external<R>(task: (outer: BotContext) => R | Promise<R>): Promise<R> {
    return conversation.external({
      task,
      beforeStoreError: (err: unknown) =>
        isTransientDbError(err) ? { [TRANSIENT_MARK]: (err as Error)?.message ?? String(err) } : err,
      afterLoadError: (err: unknown) =>
        err && typeof err === "object" && TRANSIENT_MARK in err
          ? new RetryLater(String((err as Record<string, unknown>)[TRANSIENT_MARK]))
          : err,
    });
  }

  const who = await external((outer: BotContext) => ({
    locale: outer.locale,
    actor: outer.actor,
    instance: randomUUID(),
  }));
  // Made once per locale: a conversation builds its kit again at every replay.
  const t = translator(who.locale);
  const displayName = t(name);

  // Each call's position in the conversation is the same on every replay: with the run's
  // id it keys the call's changes (src/shared/request-key.ts).
  let calls = 0;
  async function call<R>(fn: (services: Services, outer: BotContext) => Promise<R>): Promise<R> {
    const position = calls++;
    const instance = (who as { instance?: string }).instance;
    const run = (outer: BotContext) =>
      instance
        ? fn(withRequestKeys(outer.deps.services, `c:${instance}:${position}`), outer)
        : fn(outer.services, outer);
    const res = await external(async (outer: BotContext) => {
      try {
        const value = await run(outer);
        return { ok: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
      } catch (err) {
        if (err instanceof DomainError) return { err: { key: err.key, params: err.params } };
        throw err;
      }
    });
    if ("err" in res && res.err) throw new DomainError(res.err.key, res.err.params);
    return (res as { ok: R }).ok;
  }

  /**
   * Sends a message; returns its id only. What an external call returns is kept in the
   * conversation's stored replay log, and a whole Message would make it grow by about a
   * kilobyte with every question.
   */
  async function send(text: string, keyboard?: InlineKeyboardButton[][]): Promise<number> {
    return external(async (outer: BotContext) => {
      const sent = await outer.reply(
        text,
        keyboard?.length ? { reply_markup: { inline_keyboard: keyboard } } : {},
      );
      return sent.message_id;
    });
  }

  function markup(opts?: StepOptions): InlineKeyboardButton[][] {
    return [...(opts?.keyboard ?? []), ...navKeyboard(t, opts?.nav)];
  }

  /**
   * The shared wait loop: asks, then reads updates until `handle` accepts one. Returns
   * navigation or the accepted value.
   */
  async function step<V>(
    prompt: string,
    opts: StepOptions | undefined,
    handle: (ctx: ConvContext) => Promise<Check<V> | null>,
  ): Promise<Answer<V>> {
    // Every message that asked this step; their buttons are taken off once it is answered,
    // so an old "Skip" or option cannot act on a later step.
    const prompts: number[] = [];
    const ask = async () => {
      const keyboard = markup(opts);
      const sent = await send(prompt, keyboard);
      if (keyboard.length) prompts.push(sent);
    };
    const finish = async <A>(answer: A, pressed?: ConvContext): Promise<A> => {
      // The message whose button was pressed (it may be another than the question, e.g. a
      // summary with its actions) loses its buttons too: a choice is made once.
      const pressedId = pressed?.callbackQuery?.message?.message_id;
      const ids = pressedId === undefined || prompts.includes(pressedId) ? prompts : [pressedId, ...prompts];
      if (ids.length) {
        await external(async (outer: BotContext) => {
          const chatId = outer.chat?.id;
          if (chatId === undefined) return;
          for (const id of ids) {
            await outer.api
              .editMessageReplyMarkup(chatId, id, { reply_markup: { inline_keyboard: [] } })
              .catch(() => {});
          }
        });
      }
      return answer;
    };
    await ask();
    for (;;) {
      const ctx = await conversation.wait();
      const data = ctx.callbackQuery?.data;
      if (data !== undefined) {
        const pressedOn = ctx.callbackQuery?.message?.message_id;
        const own = data.startsWith(NAV_PREFIX) || data.startsWith(OPTION_PREFIX);
        if (own && pressedOn !== undefined && !prompts.includes(pressedOn)) {
          // A button of an earlier question (a client that kept it after it was taken
          // off, a double tap): its "opt:0" or "Skip" must not act on this question.
          await ctx.answerCallbackQuery({ text: t("common:conversation.earlierButton") });
          continue;
        }
        if (data.startsWith(NAV_PREFIX)) {
          const nav = data.slice(NAV_PREFIX.length) as Nav;
          if ((opts?.nav ?? []).includes(nav) || nav === "cancel") {
            await ctx.answerCallbackQuery();
            return finish({ nav }, ctx);
          }
          await ctx.answerCallbackQuery({ text: t("common:unhandled.staleButton") });
          continue;
        }
        if (!data.startsWith(OPTION_PREFIX)) {
          // A button of another message (a notification, an old menu): let the bot handle it.
          await conversation.skip({ next: true });
        }
      }
      if (ctx.message?.text?.startsWith("/")) {
        await send(t("common:conversation.inProgress", { name: displayName }));
        await ask();
        continue;
      }
      if (ctx.editedMessage) {
        await send(t("common:unhandled.edited"));
        continue;
      }
      if ([ctx.message?.text, ctx.message?.caption].some((s) => s?.includes(DAMAGED))) {
        // Half of an emoji or another broken character (middlewares/sanitize.ts put "�" in
        // its place): not kept as an answer; the user sends it again.
        await send(t("common:conversation.damaged"));
        await ask();
        continue;
      }
      const verdict = await handle(ctx);
      if (verdict === null) continue;
      if (verdict.ok) {
        if (ctx.callbackQuery) await ctx.answerCallbackQuery();
        return finish({ value: verdict.value }, ctx);
      }
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
      await send(t(verdict.key, verdict.params));
      await ask();
    }
  }

  return {
    t,
    locale: who.locale,
    actor: who.actor,
    instanceId: (who as { instance?: string }).instance ?? "",
    conversation,
    external,
    call,
    async say(text, keyboard) {
      await send(text, keyboard);
    },
    askText(prompt, opts) {
      const max = opts?.max ?? 4000;
      return step(prompt, opts, async (ctx) => {
        if (ctx.callbackQuery) return { ok: false, key: "common:conversation.textExpected" };
        const text = ctx.message?.text?.trim();
        // Nothing left after trimming (a message of NULs, removed by middlewares/sanitize.ts)
        // is no answer, not even to an optional question.
        if (!text) return { ok: false, key: "common:conversation.textExpected" };
        // The field's own limit, in characters as people count them (an emoji is one); a
        // field's validator says it in the field's words. Over the limit, another refusal
        // of the validator is not said: it may quote the text, which would not fit.
        const length = [...text].length;
        if (opts?.validate) {
          const verdict = opts.validate(text);
          if (length <= max) return verdict;
          if (!verdict.ok && verdict.params && "max" in verdict.params) return verdict;
        }
        if (length > max) return { ok: false, key: "common:conversation.tooLong", params: { length, max } };
        if (text.length < (opts?.min ?? 1)) return { ok: false, key: "common:conversation.textExpected" };
        return { ok: true, value: text };
      });
    },
    choose(prompt, options, opts) {
      const columns = opts?.columns ?? 1;
      const buttons = options.map((o, i) => InlineKeyboard.text(o.label, `${OPTION_PREFIX}${i}`));
      const rows: InlineKeyboardButton[][] = [];
      for (let i = 0; i < buttons.length; i += columns) rows.push(buttons.slice(i, i + columns));
      return step(prompt, { ...opts, keyboard: [...rows, ...(opts?.keyboard ?? [])] }, async (ctx) => {
        const data = ctx.callbackQuery?.data;
        if (data?.startsWith(OPTION_PREFIX)) {
          // Only a whole index: a truncated or forged "opt:" is not the first option.
          const index = data.slice(OPTION_PREFIX.length);
          const option = /^\d{1,4}$/.test(index) ? options[Number(index)] : undefined;
          if (option) return { ok: true, value: option.value };
          return { ok: false, key: "common:unhandled.staleButton" };
        }
        // Typing the label of an option is accepted too.
        const text = ctx.message?.text?.trim();
        const typed = text ? options.find((o) => o.label === text) : undefined;
        if (typed) return { ok: true, value: typed.value };
        return { ok: false, key: "common:conversation.useButtons" };
      });
    },
    askAny(prompt, accept, opts) {
      return step(prompt, opts, async (ctx) =>
        (await accept(ctx))
          ? { ok: true, value: ctx }
          : { ok: false, key: opts?.wrongKey ?? "common:conversation.useButtons" },
      );
    },
    async continueAs(next, ...args) {
      // Runs in the update that ends this conversation (it returns right after), so never
      // on a replay; the arguments are copied as the plugin will store them.
      const continuation: Continuation = { name: next, args: JSON.parse(JSON.stringify(args)) as unknown[] };
      await external((outer: BotContext) => {
        (outer as unknown as Record<symbol, Continuation>)[CONTINUATION] = continuation;
      });
    },
  };
}

/** Where `continueAs` leaves the conversation to enter next: on the update's context. */
const CONTINUATION = Symbol("conversation continuation");
interface Continuation {
  name: string;
  args: unknown[];
}
/** More continuations than this in one update without a question asked is a bug. */
const MAX_CONTINUATIONS = 8;

/**
 * Enters the conversation that one ending in this update asked for (`Kit.continueAs`),
 * after the conversation middleware is done with the update: the finished conversation is
 * gone from the state by then, so the next one (the same id, typically) can be entered.
 * Installed once, above the conversations and the features that enter them.
 */
export function followContinuations(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    await next();
    const slot = ctx as unknown as Record<symbol, Continuation | undefined>;
    for (let hops = 0; slot[CONTINUATION]; hops++) {
      const { name, args } = slot[CONTINUATION];
      slot[CONTINUATION] = undefined;
      if (hops >= MAX_CONTINUATIONS) {
        throw new Error(
          `conversation "${name}" continued ${hops} times in one update without asking anything`,
        );
      }
      // A conversation entered and ended in this update leaves an empty list behind, which
      // the plugin counts as "already entered": drop those first (no exit event fires).
      for (const [id, count] of Object.entries(ctx.conversation.active())) {
        if (count === 0) await ctx.conversation.exit(id);
      }
      await ctx.conversation.enter(name, ...args);
    }
  };
}

/** Enters a conversation unless another is in progress (then says which); `args` go to it. */
export async function enterConversation(
  ctx: BotContext,
  id: string,
  nameKey: string,
  ...args: unknown[]
): Promise<void> {
  const active = ctx.conversation.active();
  const running = Object.keys(active)[0];
  if (running) {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(
      ctx.t("common:conversation.inProgress", { name: ctx.t(conversationNames[running] ?? nameKey) }),
    );
    return;
  }
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  await ctx.conversation.enter(id, ...args);
}

/** Display names (locale keys) of the conversations, by id; features register theirs. */
export const conversationNames: Record<string, string> = {};
