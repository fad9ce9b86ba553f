/**
 * The texts of the petition screens (Telegram HTML): the citizen's list and card, the
 * staff lists and card, and the statistics. Everything the user typed is escaped; labels
 * come from locales/<lang>/petitions.json and petitionsBot.json.
 */
import type { TFunction } from "i18next";
import { escapeHtml, formatDate, formatDateTime } from "../../i18n.js";
import type { PetitionStatistics } from "../../petitions/statistics.js";
import type {
  CitizenHistoryEntry,
  CitizenPetitionCard,
  CitizenPetitionSummary,
  Named,
  StaffHistoryEntry,
  StaffPetitionCard,
  StaffPetitionSummary,
} from "../../petitions/types.js";
import { fitText } from "../../scheduling/render.js";

export interface Lang {
  t: TFunction;
  locale: string;
}

export function nameOf(locale: string, x: Pick<Named, "name" | "nameEn"> | null | undefined): string {
  if (!x) return "";
  return locale === "en" && x.nameEn ? x.nameEn : x.name;
}

function cut(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  const chars = [...one];
  return chars.length <= max ? one : `${chars.slice(0, max - 1).join("")}…`;
}

/** A block of user text, escaped, shortened, keeping its line breaks. */
function block(text: string, max: number): string {
  const chars = [...text.trim()];
  return escapeHtml(chars.length <= max ? text.trim() : `${chars.slice(0, max - 1).join("")}…`);
}

const LIST_LIMIT = 20;

// ─────────────────────────── citizen ───────────────────────────

export function citizenListText({ t, locale }: Lang, list: CitizenPetitionSummary[]): string {
  if (list.length === 0) return t("petitionsBot:my.empty");
  const lines = [t("petitionsBot:my.title", { count: list.length }), ""];
  list.slice(0, LIST_LIMIT).forEach((p, i) => {
    lines.push(
      `${i + 1}. <b>${escapeHtml(p.number)}</b> · ${t(`petitions:kind.${p.kind}`)} · ${escapeHtml(nameOf(locale, p.org))}`,
      `    ${t(`petitions:citizenStatus.${p.status}`)} · ${t("petitionsBot:my.due", { date: formatDate(p.dueAt) })}`,
    );
  });
  if (list.length > LIST_LIMIT)
    lines.push("", t("petitionsBot:my.more", { count: list.length - LIST_LIMIT }));
  return lines.join("\n");
}

function citizenEvent(t: TFunction, e: CitizenHistoryEntry): string {
  const data = e.data ?? {};
  const text = t(`petitions:event.${e.type}`, {
    to: data.to ?? "",
    dueAt: typeof data.dueAt === "string" ? formatDate(data.dueAt) : "",
    score: data.score ?? "",
  });
  const note = e.note && e.type !== "ANSWERED" && e.type !== "FORWARDED" ? `: «${block(e.note, 300)}»` : "";
  return `${formatDate(e.at)} — ${text}${note}`;
}

export function citizenCardText({ t, locale }: Lang, c: CitizenPetitionCard): string {
  const lines = [
    t("petitionsBot:card.title", { number: c.number }),
    "",
    `${t("petitions:field.org")}: ${escapeHtml(nameOf(locale, c.org))}`,
    `${t("petitions:field.kind")}: ${t(`petitions:kind.${c.kind}`)}`,
  ];
  if (c.topic) lines.push(`${t("petitions:field.topic")}: ${escapeHtml(nameOf(locale, c.topic))}`);
  lines.push(
    `${t("petitions:field.status")}: <b>${t(`petitions:citizenStatus.${c.status}`)}</b>`,
    `${t("petitions:field.receivedAt")}: ${formatDate(c.receivedAt)}`,
    `${t("petitions:field.dueAt")}: ${formatDate(c.dueAt)}${c.extended ? ` (${t("petitions:field.extended").toLowerCase()})` : ""}`,
  );
  if (c.forwardedTo) lines.push(`${t("petitions:field.forwardedTo")}: ${escapeHtml(c.forwardedTo)}`);
  lines.push(`${t("petitions:field.text")}: <i>${block(c.text, 700)}</i>`);
  if (c.attachments.length > 0) lines.push(t("petitionsBot:card.yourFiles", { count: c.attachments.length }));
  if (c.answer) {
    lines.push(
      "",
      t("petitionsBot:card.answer", { date: formatDate(c.answer.at) }),
      block(c.answer.text, 1500),
    );
    if (c.answer.attachments.length > 0)
      lines.push(t("petitionsBot:card.answerFiles", { count: c.answer.attachments.length }));
  }
  if (c.rating !== null) {
    lines.push(
      t("petitionsBot:card.rating", { score: c.rating }) +
        (c.ratingComment ? ` — «${block(c.ratingComment, 300)}»` : ""),
    );
  }
  lines.push("", `<b>${t("petitions:field.history")}</b>`);
  for (const e of c.history.slice(-15)) lines.push(citizenEvent(t, e));
  return fitText(lines.join("\n"));
}

// ─────────────────────────── staff ───────────────────────────

function staffLine({ t, locale }: Lang, p: StaffPetitionSummary, i: number): string {
  const flags = [
    p.overdue ? t("petitionsBot:list.overdue") : "",
    p.extended ? t("petitionsBot:list.extended") : "",
    p.returned ? t("petitionsBot:list.returned") : "",
  ].filter(Boolean);
  const where = [
    p.topic ? escapeHtml(nameOf(locale, p.topic)) : "",
    p.assignee ? escapeHtml(p.assignee.fullName) : p.unit ? escapeHtml(nameOf(locale, p.unit)) : "",
    p.petitionerName ? escapeHtml(p.petitionerName) : "",
  ].filter(Boolean);
  return [
    `${i + 1}. <b>${escapeHtml(p.number)}</b> · ${t(`petitions:kind.${p.kind}`)} · ${t(`petitions:status.${p.status}`)} · ${t("petitionsBot:list.due", { date: formatDate(p.dueAt) })}${flags.length ? ` ${flags.join(" ")}` : ""}`,
    where.length ? `    ${where.join(" · ")}` : "",
    `    <i>${escapeHtml(cut(p.excerpt, 90))}</i>`,
  ]
    .filter(Boolean)
    .join("\n");
}

export function staffListText(
  l: Lang,
  title: string,
  list: StaffPetitionSummary[],
  emptyKey: string,
): string {
  if (list.length === 0) return `${title}\n\n${l.t(emptyKey)}`;
  const lines = [`${title} (${list.length})`, ""];
  list.slice(0, LIST_LIMIT).forEach((p, i) => lines.push(staffLine(l, p, i)));
  if (list.length > LIST_LIMIT)
    lines.push("", l.t("petitionsBot:list.more", { count: list.length - LIST_LIMIT }));
  return fitText(lines.join("\n"));
}

export const LISTED = LIST_LIMIT;

/** An organisation's name with a petition's number there, when there is one: "Name (ӨГ-…)". */
const withNumber = (name: string, number: unknown) =>
  `${escapeHtml(name)}${typeof number === "string" ? ` (${number})` : ""}`;

function staffEvent(t: TFunction, e: StaffHistoryEntry, names: Record<number, string>): string {
  const who =
    e.actor === null
      ? t("petitionsBot:staffCard.system")
      : "citizen" in e.actor
        ? t("petitionsBot:staffCard.petitioner")
        : escapeHtml(e.actor.fullName);
  const data = (e.data ?? {}) as Record<string, unknown>;
  const details: string[] = [];
  if (e.type === "ASSIGNED" && typeof data.personId === "number" && names[data.personId])
    details.push(`→ ${escapeHtml(names[data.personId])}`);
  if (e.type === "FORWARDED" && typeof data.to === "string")
    details.push(`→ ${withNumber(data.to, data.toNumber)}`);
  if (e.type === "REGISTERED" && typeof data.from === "string" && typeof data.fromNumber === "string")
    details.push(`← ${withNumber(data.from, data.fromNumber)}`);
  if (typeof data.days === "number") details.push(t("petitionsBot:staffCard.days", { count: data.days }));
  if (e.type === "EXTENSION_APPROVED" && typeof data.dueAt === "string")
    details.push(`→ ${formatDate(data.dueAt)}`);
  if (e.type === "RATED" && typeof data.score === "number") details.push(`${data.score} ⭐`);
  if (data.late === true) details.push(t("petitionsBot:staffCard.late"));
  if (e.attachments.length > 0)
    details.push(t("petitionsBot:staffCard.files", { count: e.attachments.length }));
  const note = e.note ? `\n    «${block(e.note, 300)}»` : "";
  return `${formatDateTime(e.at)} · ${t(`petitions:staffEvent.${e.type}`)}${details.length ? ` ${details.join(" ")}` : ""} — ${who}${note}`;
}

export function staffCardText(
  { t, locale }: Lang,
  c: StaffPetitionCard,
  names: Record<number, string>,
): string {
  const lines = [
    t("petitionsBot:staffCard.title", { number: c.number }),
    "",
    `${t("petitions:field.status")}: <b>${t(`petitions:status.${c.status}`)}</b>${c.overdue ? ` ${t("petitionsBot:list.overdue")}` : ""}`,
    `${t("petitions:field.kind")}: ${t(`petitions:kind.${c.kind}`)} · ${t("petitions:field.channel")}: ${t(`petitions:channel.${c.channel}`)} · ${t("petitions:field.senderType")}: ${t(`petitions:senderType.${c.senderType}`)}`,
  ];
  if (c.topic) lines.push(`${t("petitions:field.topic")}: ${escapeHtml(nameOf(locale, c.topic))}`);
  if (c.unit) lines.push(`${t("petitions:field.unit")}: ${escapeHtml(nameOf(locale, c.unit))}`);
  lines.push(`${t("petitions:field.assignee")}: ${c.assignee ? escapeHtml(c.assignee.fullName) : "—"}`);
  lines.push(
    `${t("petitions:field.receivedAt")}: ${formatDate(c.receivedAt)} · ${t("petitions:field.dueAt")}: <b>${formatDate(c.dueAt)}</b>${c.extended ? ` (${t("petitions:field.extended").toLowerCase()})` : ""}`,
    `${t("petitions:field.forwardBy")}: ${formatDate(c.forwardBy)}${c.forwardLate ? ` ${t("petitionsBot:staffCard.forwardTermPassed")}` : ""}`,
  );
  if (c.anonymous) {
    lines.push(`${t("petitions:field.petitioner")}: ${t("petitions:field.anonymous")}`);
  } else {
    const phone =
      c.petitioner.phone && c.petitioner.phoneCountry
        ? `${c.petitioner.phone} (${countryName(locale, c.petitioner.phoneCountry)})`
        : c.petitioner.phone;
    const who = [c.petitioner.name, phone, c.petitioner.email].filter(Boolean).join(" · ");
    lines.push(`${t("petitions:field.petitioner")}: ${escapeHtml(who || "—")}`);
    if (c.petitioner.address)
      lines.push(`${t("petitions:field.address")}: ${escapeHtml(c.petitioner.address)}`);
  }
  if (!c.citizenInChat) lines.push(t("petitionsBot:staffCard.notInChat"));
  if (c.citizenNotReachedSince)
    lines.push(
      t("petitionsBot:staffCard.notReachedOnMessenger", { date: formatDate(c.citizenNotReachedSince) }),
    );
  if (c.registeredBy) lines.push(t("petitionsBot:staffCard.registeredBy", { name: c.registeredBy.fullName }));
  if (c.forwardedFrom)
    lines.push(
      t("petitionsBot:staffCard.forwardedFrom", {
        org: nameOf(locale, c.forwardedFrom.org), // escaped by i18next
        number: c.forwardedFrom.number,
      }),
    );
  lines.push("", `${t("petitions:field.text")}:`, `<i>${block(c.text, 1500)}</i>`);
  if (c.attachments.length > 0)
    lines.push(t("petitionsBot:staffCard.files", { count: c.attachments.length }));
  if (c.extensionPending) {
    lines.push(
      "",
      t("petitionsBot:staffCard.extensionPending", {
        days: c.extensionRequestedDays ?? 0,
        reason: c.extensionReason ?? "",
      }),
    );
  }
  if (c.forwardedTo)
    lines.push(
      `${t("petitions:field.forwardedTo")}: ${withNumber(c.forwardedTo.name, c.forwardedTo.number)}`,
    );
  if (c.pendingAnswer) lines.push("", t("petitionsBot:staffCard.pendingAnswer"), block(c.pendingAnswer, 800));
  if (c.answer)
    lines.push(
      "",
      `<b>${t("petitions:field.answer")}</b> (${formatDate(c.answer.at)}):`,
      block(c.answer.text, 800),
    );
  if (c.rating !== null) {
    lines.push(
      `${t("petitions:field.rating")}: ${c.rating} ⭐${c.ratingComment ? ` — «${block(c.ratingComment, 200)}»` : ""}`,
    );
  }
  lines.push("", `<b>${t("petitions:field.history")}</b>`);
  for (const e of c.history.slice(-15)) lines.push(staffEvent(t, e, names));
  return fitText(lines.join("\n"));
}

// ─────────────────────────── statistics ───────────────────────────

function counts(t: TFunction, prefix: string, rec: Record<string, number>): string {
  const parts = Object.entries(rec)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${t(`${prefix}${k}`)} ${n}`);
  return parts.length ? parts.join(" · ") : "—";
}

const pct = (x: number | null) => (x === null ? "—" : `${x}%`);

export function statisticsText(
  { t, locale }: Lang,
  s: PetitionStatistics,
  org: Pick<Named, "name" | "nameEn">,
  period: string,
): string {
  const to = new Date(new Date(s.range.to).getTime() - 1).toISOString();
  const topics = s.received.byTopic
    .map((x) => `${escapeHtml(x.topic ? nameOf(locale, x.topic) : t("petitions:stats.noTopic"))} ${x.count}`)
    .join(" · ");
  return [
    t("petitionsBot:stats.title", { org: nameOf(locale, org), period }),
    t("petitionsBot:stats.range", {
      from: formatDate(s.range.from),
      to: formatDate(to),
      asOf: formatDate(s.range.asOf),
    }),
    "",
    `<b>${t("petitions:stats.received")}: ${s.received.total}</b>`,
    `${t("petitions:stats.byKind")}: ${counts(t, "petitions:kind.", s.received.byKind)}`,
    `${t("petitions:stats.byChannel")}: ${counts(t, "petitions:channel.", s.received.byChannel)}`,
    `${t("petitions:stats.bySenderType")}: ${counts(t, "petitions:senderType.", s.received.bySenderType)}`,
    `${t("petitions:stats.byTopic")}: ${topics || "—"}`,
    "",
    `<b>${t("petitions:stats.resolved")}: ${s.resolved.total}</b> (${t("petitions:stats.onTime").toLowerCase()} ${s.resolved.onTime}, ${t("petitions:stats.late").toLowerCase()} ${s.resolved.late})`,
    `${t("petitions:stats.forwarded")}: ${s.forwarded}`,
    `${t("petitions:stats.withdrawn")}: ${s.withdrawn}`,
    `${t("petitions:stats.open")}: ${s.open.total} (${t("petitions:stats.overdue").toLowerCase()} ${s.open.overdue})`,
    `${t("petitions:stats.onTimeRate")}: ${pct(s.onTimeRate)}`,
    `${t("petitions:stats.resolutionRate")}: ${pct(s.resolutionRate)}`,
    `${t("petitions:stats.averageDays")}: ${s.averageDaysToResolve ?? "—"}`,
    `${t("petitions:stats.satisfaction")}: ${s.satisfaction.average === null ? "—" : `${s.satisfaction.average} / 5`} (${t("petitions:stats.ratingsCount").toLowerCase()}: ${s.satisfaction.count})`,
  ].join("\n");
}

/** A paragraph to publish: counts and averages only, no names, contacts or texts. */
export function publicSummaryText(
  { t, locale }: Lang,
  s: PetitionStatistics & { org: Pick<Named, "name" | "nameEn"> },
  period: string,
): string {
  const to = new Date(new Date(s.range.to).getTime() - 1).toISOString();
  const parts = [
    t("petitionsBot:stats.publicReceived", {
      org: nameOf(locale, s.org),
      period,
      from: formatDate(s.range.from),
      to: formatDate(to),
      count: s.received.total,
    }),
    t("petitionsBot:stats.publicResolved", { count: s.resolved.total, onTime: s.resolved.onTime }),
  ];
  if (s.forwarded > 0) parts.push(t("petitionsBot:stats.publicForwarded", { count: s.forwarded }));
  parts.push(t("petitionsBot:stats.publicOpen", { count: s.open.total }));
  if (s.averageDaysToResolve !== null)
    parts.push(
      t("petitionsBot:stats.publicAverage", { days: s.averageDaysToResolve, count: s.averageDaysToResolve }),
    );
  if (s.satisfaction.average !== null)
    parts.push(t("petitionsBot:stats.publicSatisfaction", { average: s.satisfaction.average }));
  return `${t("petitionsBot:stats.publicTitle")}\n\n${parts.join(" ")}`;
}

/** A country's name in the user's language ("KR" → "South Korea" / "Өмнөд Солонгос"). */
function countryName(locale: string, region: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(region) ?? region;
  } catch {
    return region;
  }
}
