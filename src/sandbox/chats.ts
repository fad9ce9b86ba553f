/**
 * The personas' chats as the page shows them: the persona list with names from the
 * directory, unread counts and last messages, and the text previews.
 */
import type { BotCommand } from "grammy/types";
import type { Database } from "../db/index.js";
import type { ChatMessage, ReplyKeyboardState } from "./bot-api-emulator.js";
import { DEMO_ORG_SLUG, PERSONAS, type Persona, type PersonaKind } from "./personas.js";
import { SandboxError } from "./errors.js";

export interface PersonaView {
  id: string;
  kind: PersonaKind;
  name: string;
  role: string;
  roleMn: string;
  /** Position and unit of a staff member, as the directory has them. */
  position?: string;
  unit?: string;
  telegramId: number;
  /** Where the persona writes: Telegram, or Facebook Messenger. */
  channel: "telegram" | "messenger";
  /** Staff: the account is linked to the person (the newcomer after accepting an invite). */
  linked: boolean;
  unread: number;
  last?: { text: string; from: "bot" | "user"; date: number };
}

export interface ChatView {
  persona: PersonaView;
  /** "messenger": the messages carry Messenger's quick replies, cards and refusals. */
  channel: "telegram" | "messenger";
  messages: ChatMessage[];
  replyKeyboard: ReplyKeyboardState | null;
  commands: BotCommand[];
}

/** The persona with this id, or a 404. */
export function personaById(id: string): Persona {
  const p = PERSONAS.find((x) => x.id === id);
  if (!p) throw new SandboxError(404, `No persona "${id}"`);
  return p;
}

/** Every persona with their name from the directory, unread count and last message. */
export async function listPersonas(
  prisma: Database["prisma"],
  thread: (p: Persona) => ChatMessage[],
  unread: (id: string) => number,
): Promise<PersonaView[]> {
  const org = await prisma.organization.findUnique({
    where: { slug: DEMO_ORG_SLUG },
    select: { id: true },
  });
  const codes = PERSONAS.flatMap((p) => (p.personCode ? [p.personCode] : []));
  const people = org
    ? await prisma.person.findMany({
        where: { orgId: org.id, code: { in: codes } },
        select: {
          code: true,
          fullName: true,
          user: { select: { id: true } },
          position: { select: { title: true } },
          unit: { select: { name: true } },
        },
      })
    : [];
  const byCode = new Map(people.map((p) => [p.code, p]));
  return PERSONAS.map((p) => {
    const person = p.personCode ? byCode.get(p.personCode) : undefined;
    const last = thread(p).at(-1);
    return {
      id: p.id,
      kind: p.kind,
      name: person?.fullName ?? (p.lastName ? `${p.lastName.slice(0, 1)}.${p.firstName}` : p.firstName),
      role: person?.user && p.roleLinked ? p.roleLinked : p.role,
      roleMn: p.roleMn,
      ...(person?.position ? { position: person.position.title } : {}),
      ...(person?.unit ? { unit: person.unit.name } : {}),
      telegramId: p.telegramId,
      channel: p.messengerPsid ? "messenger" : "telegram",
      linked: Boolean(person?.user),
      unread: unread(p.id),
      ...(last ? { last: { text: preview(last), from: last.from, date: last.date } } : {}),
    };
  });
}

/** A message as plain text, for the persona list's preview. */
function preview(m: ChatMessage): string {
  if (m.contact) return `📞 ${m.contact.phone}`;
  const text = m.text ? (m.html ? plainText(m.text) : m.text) : "";
  if (m.file) return `${m.file.kind === "photo" ? "🖼" : "📎"} ${text || m.file.name || ""}`.trim();
  return text.replace(/\s+/g, " ").slice(0, 120);
}

/** Telegram HTML to the plain text Telegram would show (entities dropped). */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}
