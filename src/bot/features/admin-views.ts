/**
 * The organisation settings screens as text and buttons: the settings menu, a person's
 * card and role editor, topics, routing rules and the reporting calendar. The button ids
 * (prefix `dir`) are listed in `adminAction`; ./admin.ts handles them.
 */
import type { InlineKeyboardButton } from "grammy/types";
import type { TFunction } from "i18next";
import type { RoutingRuleView } from "../../directory/directory-admin.js";
import type { PersonView, TopicView } from "../../directory/directory-service.js";
import { Role } from "../../generated/prisma/enums.js";
import { escapeHtml, formatDate, type Locale } from "../../i18n.js";
import { action } from "../../shared/actions.js";
import type { AdminPersonMatch, CalendarView, OrgOverview } from "../../directory/admin-queries.js";

/** Button ids of the settings screens: `dir:<verb>:<id>...`. */
export const adminAction = {
  menu: () => "dir:admin",
  org: (orgId: number) => action("dir", "org", orgId),
  people: (orgId: number) => action("dir", "ppl", orgId),
  addPerson: (orgId: number) => action("dir", "padd", orgId),
  person: (personId: number) => action("dir", "p", personId),
  roles: (personId: number) => action("dir", "rl", personId),
  toggleRole: (personId: number, mask: number) => action("dir", "rt", personId, mask),
  saveRoles: (personId: number, mask: number) => action("dir", "rs", personId, mask),
  deactivate: (personId: number) => action("dir", "off", personId),
  deactivateConfirmed: (personId: number) => action("dir", "offy", personId),
  reactivate: (personId: number) => action("dir", "on", personId),
  unlink: (personId: number) => action("dir", "unl", personId),
  unlinkConfirmed: (personId: number) => action("dir", "unly", personId),
  invite: (personId: number) => action("dir", "pinv", personId),
  topics: (orgId: number) => action("dir", "top", orgId),
  addTopic: (orgId: number) => action("dir", "tadd", orgId),
  rules: (orgId: number) => action("dir", "rul", orgId),
  addRule: (orgId: number, topicId?: number) =>
    topicId === undefined ? action("dir", "radd", orgId) : action("dir", "radd", orgId, topicId),
  removeRule: (ruleId: number) => action("dir", "rdel", ruleId),
  removeRuleConfirmed: (ruleId: number) => action("dir", "rdely", ruleId),
  calendar: (orgId: number, year: number) => action("dir", "cal", orgId, year),
  setDeadline: (orgId: number, year: number) => action("dir", "cset", orgId, year),
  importFile: (orgId: number) => action("dir", "imp", orgId),
};

/** The roles an admin can give, in the order they are shown; a set of them is a bit mask. */
export const ROLE_ORDER: readonly Role[] = [
  Role.OFFICIAL,
  Role.UNIT_HEAD,
  Role.PETITION_CLERK,
  Role.EVALUATION_TEAM,
  Role.ORG_ADMIN,
  Role.ORG_HEAD,
];

export const ALL_ROLES_MASK = (1 << ROLE_ORDER.length) - 1;

export function rolesToMask(roles: readonly Role[]): number {
  return ROLE_ORDER.reduce((mask, role, i) => (roles.includes(role) ? mask | (1 << i) : mask), 0);
}

export function maskToRoles(mask: number): Role[] {
  return ROLE_ORDER.filter((_, i) => (mask & (1 << i)) !== 0);
}

export function roleNames(t: TFunction, roles: readonly Role[]): string {
  return roles.length === 0 ? t("admin:card.noRoles") : roles.map((r) => t(`common:roles.${r}`)).join(", ");
}

const button = (text: string, data: string): InlineKeyboardButton => ({ text, callback_data: data });

// ───────────────────────────── the settings menu ─────────────────────────────

export function menuText(t: TFunction, o: OrgOverview): string {
  return t("admin:menu.title", {
    org: o.name,
    units: o.units,
    people: o.people,
    inactive: o.inactive,
    topics: o.topics,
    rules: o.rules,
  });
}

export function menuKeyboard(
  t: TFunction,
  o: OrgOverview,
  year: number,
  superAdmin: boolean,
): InlineKeyboardButton[][] {
  const rows = [
    [
      button(t("admin:menu.people"), adminAction.people(o.id)),
      button(t("admin:menu.addPerson"), adminAction.addPerson(o.id)),
    ],
    [
      button(t("admin:menu.topics"), adminAction.topics(o.id)),
      button(t("admin:menu.rules"), adminAction.rules(o.id)),
    ],
    [button(t("admin:menu.calendar"), adminAction.calendar(o.id, year))],
    [button(t("admin:menu.import"), adminAction.importFile(o.id))],
  ];
  if (superAdmin) rows.push([button(t("admin:menu.organizations"), adminAction.menu())]);
  return rows;
}

export function backToMenu(t: TFunction, orgId: number): InlineKeyboardButton[] {
  return [button(t("admin:menu.back"), adminAction.org(orgId))];
}

// ───────────────────────────── people ─────────────────────────────

export function personOption(t: TFunction, m: AdminPersonMatch): string {
  return t(m.active ? "admin:people.option" : "admin:people.optionInactive", {
    name: m.fullName,
    code: m.code,
    unit: m.unitName ?? "—",
    interpolation: { escapeValue: false },
  });
}

export function cardText(t: TFunction, p: PersonView): string {
  const none = t("admin:card.none");
  return [
    t("admin:card.title", { name: p.fullName, code: p.code }),
    t("admin:card.unit", { unit: p.unit?.name ?? none }),
    t("admin:card.position", { position: p.position?.title ?? none }),
    t("admin:card.roles", { roles: roleNames(t, p.roles) }),
    ...(p.phone ? [t("admin:card.phone", { phone: p.phone })] : []),
    ...(p.email ? [t("admin:card.email", { email: p.email })] : []),
    t(p.userId !== null ? "admin:card.linked" : "admin:card.notLinked"),
    t(p.active ? "admin:card.active" : "admin:card.inactive"),
  ].join("\n");
}

export function cardKeyboard(t: TFunction, p: PersonView): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [[button(t("admin:button.roles"), adminAction.roles(p.id))]];
  if (p.active) {
    rows.push([button(t("admin:button.invite"), adminAction.invite(p.id))]);
    if (p.userId !== null) rows.push([button(t("admin:button.unlink"), adminAction.unlink(p.id))]);
    rows.push([button(t("admin:button.deactivate"), adminAction.deactivate(p.id))]);
  } else {
    if (p.userId !== null) rows.push([button(t("admin:button.unlink"), adminAction.unlink(p.id))]);
    rows.push([button(t("admin:button.reactivate"), adminAction.reactivate(p.id))]);
  }
  rows.push([button(t("admin:button.findPerson"), adminAction.people(p.orgId)), ...backToMenu(t, p.orgId)]);
  return rows;
}

/** One button per role (ticked or not; pressing flips it), then save and cancel. */
export function roleEditorKeyboard(t: TFunction, personId: number, mask: number): InlineKeyboardButton[][] {
  const rows = ROLE_ORDER.map((role, i) => {
    const on = (mask & (1 << i)) !== 0;
    const label = t(on ? "admin:roles.on" : "admin:roles.off", { role: t(`common:roles.${role}`) });
    return [button(label, adminAction.toggleRole(personId, mask ^ (1 << i)))];
  });
  rows.push([
    button(t("admin:button.save"), adminAction.saveRoles(personId, mask)),
    button(t("admin:button.cancel"), adminAction.person(personId)),
  ]);
  return rows;
}

// ───────────────────────────── topics and routing ─────────────────────────────

export function topicName(locale: Locale, topic: { name: string; nameEn?: string | null }): string {
  return locale === "en" && topic.nameEn ? topic.nameEn : topic.name;
}

export function topicsText(t: TFunction, locale: Locale, topics: TopicView[]): string {
  if (topics.length === 0) return `${t("admin:topics.title")}\n\n${t("admin:topics.none")}`;
  const lines = topics.map((topic) =>
    t(topic.requiresAddress ? "admin:topics.itemAddress" : "admin:topics.item", {
      name: topicName(locale, topic),
      code: topic.code,
    }),
  );
  return `${t("admin:topics.title")}\n\n${lines.join("\n")}`;
}

export function topicsKeyboard(t: TFunction, orgId: number): InlineKeyboardButton[][] {
  return [
    [button(t("admin:button.addTopic"), adminAction.addTopic(orgId))],
    [button(t("admin:menu.rules"), adminAction.rules(orgId))],
    backToMenu(t, orgId),
  ];
}

/** "Land · any kind → unit Хөгжлийн бодлого..." (HTML, escaped). */
export function ruleText(
  t: TFunction,
  locale: Locale,
  rule: Pick<RoutingRuleView, "topic" | "kind" | "unit" | "person">,
  topics: readonly TopicView[] = [],
): string {
  const topic = rule.topic
    ? escapeHtml(topicName(locale, topics.find((x) => x.id === rule.topic?.id) ?? rule.topic))
    : t("admin:rules.anyTopic");
  const kind = rule.kind ? escapeHtml(t(`petitions:kind.${rule.kind}`)) : t("admin:rules.anyKind");
  const target = rule.person
    ? t("admin:rules.toPerson", { name: rule.person.fullName })
    : t("admin:rules.toUnit", { name: rule.unit?.name ?? "—" });
  return t("admin:rules.rule", { topic, kind, target, interpolation: { escapeValue: false } });
}

export function rulesText(
  t: TFunction,
  locale: Locale,
  rules: RoutingRuleView[],
  topics: TopicView[],
): string {
  if (rules.length === 0) return `${t("admin:rules.title")}\n\n${t("admin:rules.none")}`;
  const lines = rules.map((r, i) =>
    t(r.priority !== 0 ? "admin:rules.itemPriority" : "admin:rules.item", {
      n: i + 1,
      rule: ruleText(t, locale, r, topics),
      priority: r.priority,
    }),
  );
  return `${t("admin:rules.title")}\n\n${lines.join("\n")}`;
}

export function rulesKeyboard(
  t: TFunction,
  orgId: number,
  rules: RoutingRuleView[],
): InlineKeyboardButton[][] {
  const removals = rules.map((r, i) =>
    button(t("admin:button.removeRule", { n: i + 1 }), adminAction.removeRule(r.id)),
  );
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < removals.length; i += 3) rows.push(removals.slice(i, i + 3));
  rows.push([button(t("admin:button.addRule"), adminAction.addRule(orgId))]);
  rows.push([button(t("admin:menu.topics"), adminAction.topics(orgId)), ...backToMenu(t, orgId)]);
  return rows;
}

// ───────────────────────────── the reporting calendar ─────────────────────────────

export function periodName(t: TFunction, kind: string): string {
  return t(`reporting:period.name.${kind}`);
}

export function calendarText(t: TFunction, c: CalendarView): string {
  const lines = c.periods.map((p) =>
    t(p.stored ? "admin:calendar.item" : "admin:calendar.itemDefault", {
      period: periodName(t, p.kind),
      opens: formatDate(p.opensAt, c.timezone),
      deadline: formatDate(p.deadline, c.timezone),
    }),
  );
  return [
    t("admin:calendar.title", { year: c.year }),
    "",
    ...lines,
    "",
    t("admin:calendar.footer", { days: c.opensDaysBefore }),
  ].join("\n");
}

export function calendarKeyboard(t: TFunction, orgId: number, year: number): InlineKeyboardButton[][] {
  return [
    [button(t("admin:button.changeDeadline"), adminAction.setDeadline(orgId, year))],
    [
      button(t("admin:button.prevYear", { year: year - 1 }), adminAction.calendar(orgId, year - 1)),
      button(t("admin:button.nextYear", { year: year + 1 }), adminAction.calendar(orgId, year + 1)),
    ],
    backToMenu(t, orgId),
  ];
}

// ───────────────────────────── long texts ─────────────────────────────

/** Lines joined into messages under Telegram's 4096 characters. */
export function chunkLines(lines: readonly string[], limit = 3800): string[] {
  const out: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = raw.length > limit ? `${raw.slice(0, limit - 1)}…` : raw;
    if (current && current.length + 1 + line.length > limit) {
      out.push(current);
      current = "";
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(current);
  return out;
}
