/**
 * Request keys: what makes a state-changing service call safe to repeat. Telegram
 * delivers an update again, and a process can die between a service's commit and the
 * update's done mark; the update is then handled again and makes the same calls in the
 * same order. Each such call takes the next key of its scope (the update, or one call of
 * a conversation: its run's id and the call's position, fixed across replays), and the
 * service stores it with the change in one transaction (a unique column): a call whose
 * key is already stored returns the state it left instead of changing it again.
 */
import { AsyncLocalStorage } from "node:async_hooks";

interface Scope {
  prefix: string;
  next: number;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Runs `fn` with its own sequence of request keys `<prefix>.0`, `<prefix>.1`, … */
export function withRequestKeys<R>(prefix: string, fn: () => R): R {
  return scopes.run({ prefix, next: 0 }, fn);
}

/** The next key of the current scope; undefined outside one (CLI, jobs, tests of services). */
export function takeRequestKey(): string | undefined {
  const scope = scopes.getStore();
  if (!scope) return undefined;
  return `${scope.prefix}.${scope.next++}`;
}
