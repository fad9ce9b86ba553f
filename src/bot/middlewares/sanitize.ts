/**
 * Makes an update safe to store and to handle, in place, before anything else sees it:
 *  - U+0000 is removed from every string (PostgreSQL's text and jsonb refuse it), and an
 *    unpaired surrogate (half of an emoji, cut) becomes U+FFFD "�" (jsonb refuses it too);
 *  - anything nested deeper than MAX_DEPTH (Telegram's updates are a dozen levels deep; a
 *    forged body can be 200,000) is cut off, so storing the update as JSON cannot overflow
 *    the stack.
 * A message whose text was only such characters arrives empty and is answered as any
 * message without text is ("please send text").
 */
import type { MiddlewareFn } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../context.js";

/** Deeper values are dropped (replaced with null). */
export const MAX_DEPTH = 32;

export interface SanitizeResult {
  /** Strings that lost a NUL or had a broken surrogate replaced. */
  cleaned: number;
  /** Values cut off below MAX_DEPTH. */
  pruned: number;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A NUL or any half of a surrogate pair: only such strings need the full cleaning. */
// eslint-disable-next-line no-control-regex -- finding the NUL is the point
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

function cleanString(s: string): string {
  if (!SUSPECT.test(s)) return s;
  return s.replaceAll("\u0000", "").replace(LONE_SURROGATE, "\uFFFD");
}

/** Cleans the update in place (see above). */
export function sanitizeUpdate(update: Update): SanitizeResult {
  const result: SanitizeResult = { cleaned: 0, pruned: 0 };
  const visit = (node: Record<string, unknown> | unknown[], depth: number): void => {
    const keys = Array.isArray(node) ? node.keys() : Object.keys(node);
    for (const key of keys) {
      const k = key as keyof typeof node;
      const value = node[k] as unknown;
      if (typeof value === "string") {
        const clean = cleanString(value);
        if (clean !== value) {
          (node as Record<string, unknown>)[k] = clean;
          result.cleaned++;
        }
      } else if (value !== null && typeof value === "object") {
        if (depth >= MAX_DEPTH) {
          (node as Record<string, unknown>)[k] = null;
          result.pruned++;
        } else {
          visit(value as Record<string, unknown>, depth + 1);
        }
      }
      if (typeof key === "string") {
        const cleanKey = cleanString(key);
        if (cleanKey !== key && !Array.isArray(node)) {
          const rec = node as Record<string, unknown>;
          rec[cleanKey] = rec[key];
          delete rec[key];
          result.cleaned++;
        }
      }
    }
  };
  visit(update as unknown as Record<string, unknown>, 1);
  return result;
}

/** The first middleware: every update is cleaned before it is claimed or handled. */
export function sanitize(): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    sanitizeUpdate(ctx.update);
    return next();
  };
}
