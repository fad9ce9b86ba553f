/**
 * Short, channel-neutral action ids for buttons: "<feature>:<verb>:<id>...", at most 64
 * bytes (Telegram's callback_data limit; Messenger postback payloads take them as they
 * are). Services put them in notification buttons; bot handlers parse them and the
 * service re-checks every permission, so a forged or stale id does nothing harmful.
 */
export function action(feature: string, verb: string, ...ids: (string | number)[]): string {
  const data = [feature, verb, ...ids].join(":");
  if (Buffer.byteLength(data) > 64) throw new Error(`action id too long: ${data}`);
  return data;
}

export interface ParsedAction {
  feature: string;
  verb: string;
  ids: string[];
}

export function parseAction(data: string | undefined): ParsedAction | null {
  if (!data) return null;
  const [feature, verb, ...ids] = data.split(":");
  if (!feature || !verb) return null;
  return { feature, verb, ids };
}

/** A positive integer id from an action, or null when forged or malformed. */
export function idAt(parsed: ParsedAction, index: number): number | null {
  const raw = parsed.ids[index];
  if (!raw || !/^\d{1,10}$/.test(raw)) return null;
  const n = Number(raw);
  return n > 0 && n <= 2_147_483_647 ? n : null;
}
