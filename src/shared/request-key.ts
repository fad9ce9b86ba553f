/**
 * Request keys: what makes a state-changing service call safe to repeat. Telegram
 * delivers an update again, and a process can die between a service's commit and the
 * update's done mark; the update is then handled again and makes the same calls in the
 * same order. Each such call takes the next key of its scope (the update, or one call of
 * a conversation: its run's id and the call's position, fixed across replays), and the
 * service stores it with the change in one transaction (a unique column): a call whose
 * key is already stored returns the state it left instead of changing it again.
 *
 * The scope travels with the services object the caller holds (`withRequestKeys`), not
 * with the asynchronous context: a call through it makes its scope current for the call's
 * synchronous part, where a service takes its key (`takeRequestKey` before its first
 * await). No AsyncLocalStorage, whose hooks ran on every promise of the process (a tenth of
 * all it allocated under load).
 */

interface Scope {
  prefix: string;
  next: number;
}

let current: Scope | undefined;

/** Objects whose methods are wrapped, below the services object (services.reporting.reports). */
const DEPTH = 2;
/** Properties handed out as they are (not services). */
const PLAIN = new Set<PropertyKey>(["deps", "prisma", "clock", "config", "logger"]);

/**
 * `services` (the domain services or one of them) whose methods, called through the object
 * returned, take their keys from the sequence `<prefix>.0`, `<prefix>.1`, …
 */
export function withRequestKeys<S extends object>(services: S, prefix: string): S {
  return scoped(services, { prefix, next: 0 }, 0);
}

function scoped<T extends object>(target: T, scope: Scope, depth: number): T {
  const made = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, prop) {
      const value: unknown = Reflect.get(t, prop, t);
      if (PLAIN.has(prop)) return value;
      if (typeof value === "function") {
        let wrapped = made.get(prop);
        if (!wrapped) {
          const method = value as (...args: unknown[]) => unknown;
          wrapped = (...args: unknown[]) => {
            const outer = current;
            current = scope;
            try {
              return method.apply(t, args);
            } finally {
              current = outer;
            }
          };
          made.set(prop, wrapped);
        }
        return wrapped;
      }
      if (depth < DEPTH && typeof value === "object" && value !== null && !Array.isArray(value)) {
        let inner = made.get(prop);
        if (!inner) made.set(prop, (inner = scoped(value, scope, depth + 1)));
        return inner;
      }
      return value;
    },
  });
}

/**
 * The next key of the current scope; undefined outside one (CLI, jobs, tests of services).
 * Taken at the start of a service's method, before anything it awaits.
 */
export function takeRequestKey(): string | undefined {
  const scope = current;
  if (!scope) return undefined;
  return `${scope.prefix}.${scope.next++}`;
}
