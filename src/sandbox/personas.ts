/**
 * The people one can be in the sandbox: citizens and the staff of the demo aimag office
 * (examples/demo-aimag.yaml). Each persona is a Telegram account with its own chat with
 * the bot; staff personas are linked to their person of the directory as an accepted
 * invite would link them (see ./seed.ts), except the newcomer, who is linked by following
 * an invite link an admin creates in the bot. One citizen writes on Facebook Messenger
 * instead (`channel: "messenger"`): their conversation goes through the Messenger emulator
 * and the Messenger bridge (./messenger-persona.ts).
 */

export type PersonaKind = "citizen" | "visitor" | "staff" | "newcomer";

export interface Persona {
  /** Short id used in the page's URLs. */
  id: string;
  kind: PersonaKind;
  /** Telegram user id (= the private chat's id); unused by a Messenger persona. */
  telegramId: number;
  /** A Messenger persona writes to the Page with this page-scoped id (PSID). */
  messengerPsid?: string;
  /** Directory code of the person (examples/demo-aimag.yaml); staff only. */
  personCode?: string;
  /** Telegram profile name. */
  firstName: string;
  lastName?: string;
  /** The phone number Telegram shares with the "share contact" button. */
  phone: string;
  /** What the persona is for, shown under the name. */
  role: string;
  /** The newcomer's role once an invite has linked them. */
  roleLinked?: string;
  /** The same in Mongolian. */
  roleMn: string;
  /** Language stored for the linked account; null: the bot asks on the first /start. */
  locale: "mn" | "en" | null;
}

export const DEMO_ORG_SLUG = "demo-aimag";

export const PERSONAS: readonly Persona[] = [
  {
    id: "citizen",
    kind: "citizen",
    telegramId: 880_001,
    firstName: "Болормаа",
    lastName: "Батжаргал",
    phone: "+97699112233",
    role: "Citizen with petitions on file",
    roleMn: "Иргэн",
    locale: "mn",
  },
  {
    id: "visitor",
    kind: "visitor",
    telegramId: 880_002,
    firstName: "Ганзориг",
    lastName: "Дорж",
    phone: "+97688001122",
    role: "Citizen opening the bot for the first time",
    roleMn: "Шинэ хэрэглэгч",
    locale: null,
  },
  {
    id: "messenger",
    kind: "visitor",
    telegramId: 880_003,
    messengerPsid: "24600000000880",
    firstName: "Оюунчимэг",
    lastName: "Нямдорж",
    phone: "+97695114455",
    role: "Citizen writing on Facebook Messenger",
    roleMn: "Иргэн (Messenger)",
    locale: null,
  },
  {
    id: "official",
    kind: "staff",
    telegramId: 880_101,
    personCode: "duurenbilig",
    firstName: "Дүүрэнбилиг",
    phone: "+97699001101",
    role: "Official, development planning",
    roleMn: "Мэргэжилтэн",
    locale: "mn",
  },
  {
    id: "head",
    kind: "staff",
    telegramId: 880_102,
    personCode: "enkhbayar",
    firstName: "Энхбаяр",
    phone: "+97699001102",
    role: "Unit head, development planning",
    roleMn: "Хэлтсийн дарга",
    locale: "mn",
  },
  {
    id: "clerk",
    kind: "staff",
    telegramId: 880_103,
    personCode: "vansemberuu",
    firstName: "Вансэмбэрүү",
    phone: "+97699001103",
    role: "Petition clerk, HR specialist",
    roleMn: "Өргөдөл хариуцсан мэргэжилтэн",
    locale: "mn",
  },
  {
    id: "admin",
    kind: "staff",
    telegramId: 880_104,
    personCode: "temuulen",
    firstName: "Тэмүүлэн",
    phone: "+97699001104",
    role: "Official for online services; organisation admin",
    roleMn: "Админ",
    locale: "mn",
  },
  {
    id: "evaluator",
    kind: "staff",
    telegramId: 880_105,
    personCode: "munkhsaruul",
    firstName: "Мөнхсаруул",
    phone: "+97699001105",
    role: "Evaluation team",
    roleMn: "Үнэлгээний баг",
    locale: "mn",
  },
  {
    id: "director",
    kind: "staff",
    telegramId: 880_106,
    personCode: "otgonbat",
    firstName: "Отгонбат",
    phone: "+97699001106",
    role: "Head of the office",
    roleMn: "Тамгын газрын дарга",
    locale: "mn",
  },
  // The heads who decide on the requests of the staff personas and of the units petitions
  // are routed to (assigning, extensions, answer review): every flow has someone to act.
  {
    id: "office-head",
    kind: "staff",
    telegramId: 880_108,
    personCode: "magnaibayar",
    firstName: "Магнайбаяр",
    phone: "+97699001108",
    role: "Unit head, public administration (the clerk's and the admin's head)",
    roleMn: "Төрийн захиргааны удирдлагын хэлтсийн дарга",
    locale: "mn",
  },
  {
    id: "social-head",
    kind: "staff",
    telegramId: 880_109,
    personCode: "batsetseg",
    firstName: "Батцэцэг",
    phone: "+97699001109",
    role: "Unit head, social policy (welfare and employment petitions)",
    roleMn: "Нийгмийн бодлогын хэлтсийн дарга",
    locale: "mn",
  },
  {
    id: "evaluation-head",
    kind: "staff",
    telegramId: 880_110,
    personCode: "daariimaa",
    firstName: "Даариймаа",
    phone: "+97699001110",
    role: "Unit head, monitoring, evaluation and audit (complaints about officials)",
    roleMn: "Хяналт-шинжилгээ, үнэлгээний хэлтсийн дарга",
    locale: "mn",
  },
  {
    id: "newcomer",
    kind: "newcomer",
    telegramId: 880_107,
    personCode: "sarantuya",
    firstName: "Сарантуяа",
    phone: "+97699001107",
    role: "Archivist, not linked yet: open the admin's invite link",
    roleLinked: "Archivist, joined through an invite",
    roleMn: "Архивын мэргэжилтэн",
    locale: null,
  },
];

export function personaById(id: string): Persona | undefined {
  return PERSONAS.find((p) => p.id === id);
}

export function personaByChat(chatId: number): Persona | undefined {
  return PERSONAS.find((p) => p.telegramId === chatId);
}
