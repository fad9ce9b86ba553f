/**
 * The admin's dialogues about petitions: adding a petition topic (name in Mongolian, in
 * English optionally, whether an address is required) and adding a routing rule (topic
 * and/or kind → a unit or a person), confirmed with a summary that says which existing
 * rule it replaces.
 */
import { createConversation } from "@grammyjs/conversations";
import type { InlineKeyboardButton } from "grammy/types";
import { PetitionKind } from "../../generated/prisma/enums.js";
import type { BotContext, ConvContext } from "../context.js";
import { topicsOf, unitsOf } from "../../directory/admin-queries.js";
import { adminAction, backToMenu, ruleText, topicName } from "../features/admin-views.js";
import { attempt, askPerson, cancelled, inLetters } from "./admin-steps.js";
import { type BotConversation, conversationNames, makeKit } from "./kit.js";

export const ADD_TOPIC = "admin-add-topic";
export const ADD_TOPIC_NAME = "admin:addTopic.conversation";
export const ADD_RULE = "admin-add-rule";
export const ADD_RULE_NAME = "admin:addRule.conversation";
conversationNames[ADD_TOPIC] = ADD_TOPIC_NAME;
conversationNames[ADD_RULE] = ADD_RULE_NAME;

const KINDS = Object.values(PetitionKind);

async function addTopicConversation(conversation: BotConversation, _ctx: ConvContext, orgId: number) {
  const kit = await makeKit(conversation, ADD_TOPIC_NAME);
  const { t } = kit;
  let name = "";
  let nameEn: string | null = null;
  let step: "name" | "nameEn" | "address" = "name";
  for (;;) {
    if (step === "name") {
      const a = await kit.askText(t("admin:addTopic.askName"), {
        max: 200,
        nav: ["cancel"],
        validate: inLetters,
      });
      if (a.nav) return cancelled(kit, orgId);
      name = a.value;
      step = "nameEn";
    } else if (step === "nameEn") {
      const a = await kit.askText(t("admin:addTopic.askNameEn", { name }), {
        max: 200,
        nav: ["skip", "back", "cancel"],
        validate: inLetters,
      });
      if (a.nav === "back") step = "name";
      else if (a.nav === "cancel") return cancelled(kit, orgId);
      else {
        nameEn = a.nav === "skip" ? null : (a.value ?? null);
        step = "address";
      }
    } else {
      const a = await kit.choose(
        t("admin:addTopic.askAddress", { name }),
        [
          { label: t("admin:addTopic.addressYes"), value: "yes" },
          { label: t("admin:addTopic.addressNo"), value: "no" },
        ],
        { nav: ["back", "cancel"] },
      );
      if (a.nav === "back") step = "nameEn";
      else if (a.nav) return cancelled(kit, orgId);
      else {
        const input = { name, nameEn, requiresAddress: a.value === "yes" };
        const topic = await attempt(kit, () =>
          kit.call((s, outer) => s.directoryAdmin.addTopic(outer.actor, orgId, input)),
        );
        if (!topic) return;
        return kit.say(
          t("admin:addTopic.added", { name: topicName(kit.locale, topic.value), code: topic.value.code }),
          [
            [
              {
                text: t("admin:button.addRuleForTopic"),
                callback_data: adminAction.addRule(orgId, topic.value.id),
              },
            ],
            [{ text: t("admin:menu.topics"), callback_data: adminAction.topics(orgId) }],
            backToMenu(t, orgId),
          ],
        );
      }
    }
  }
}

type RuleStep = "topic" | "kind" | "target" | "unit" | "person" | "confirm";

async function addRuleConversation(
  conversation: BotConversation,
  _ctx: ConvContext,
  orgId: number,
  presetTopicId?: number,
) {
  const kit = await makeKit(conversation, ADD_RULE_NAME);
  const { t } = kit;
  const loaded = await attempt(kit, () =>
    kit.call(async (s, outer) => ({
      topics: await topicsOf(outer.deps.prisma, outer.actor, orgId),
      units: await unitsOf(outer.deps.prisma, outer.actor, orgId),
      rules: await s.directoryAdmin.listRoutingRules(outer.actor, orgId),
    })),
  );
  if (!loaded) return;
  const { topics, units, rules } = loaded.value;

  const preset = topics.find((x) => x.id === presetTopicId);
  let topicId: number | null = preset?.id ?? null;
  let kind: PetitionKind | null = null;
  let target: { unit: { id: number; name: string } } | { person: { id: number; fullName: string } } | null =
    null;
  let step: RuleStep = preset ? "kind" : "topic";
  for (;;) {
    if (step === "topic") {
      const a = await kit.choose(
        t("admin:addRule.askTopic"),
        [
          ...topics.map((x) => ({ label: topicName(kit.locale, x), value: String(x.id) })),
          { label: t("admin:addRule.anyTopic"), value: "0" },
        ],
        { nav: ["cancel"] },
      );
      if (a.nav) return cancelled(kit, orgId);
      topicId = a.value === "0" ? null : Number(a.value);
      step = "kind";
    } else if (step === "kind") {
      // A rule needs a topic, a kind, or both.
      const options = KINDS.map((k) => ({ label: t(`petitions:kind.${k}`), value: k as string }));
      if (topicId !== null) options.push({ label: t("admin:addRule.anyKind"), value: "any" });
      const a = await kit.choose(t("admin:addRule.askKind"), options, {
        nav: preset ? ["cancel"] : ["back", "cancel"],
      });
      if (a.nav === "back") step = "topic";
      else if (a.nav) return cancelled(kit, orgId);
      else {
        kind = a.value === "any" ? null : (a.value as PetitionKind);
        step = "target";
      }
    } else if (step === "target") {
      const a = await kit.choose(
        t("admin:addRule.askTarget"),
        [
          { label: t("admin:addRule.toPerson"), value: "person" },
          { label: t("admin:addRule.toUnit"), value: "unit" },
        ],
        { nav: ["back", "cancel"] },
      );
      if (a.nav === "back") step = "kind";
      else if (a.nav) return cancelled(kit, orgId);
      else step = a.value === "unit" ? "unit" : "person";
    } else if (step === "unit") {
      if (units.length === 0) {
        await kit.say(t("admin:addRule.noUnits"));
        step = "target";
        continue;
      }
      const a = await kit.choose(
        t("admin:addRule.askUnit"),
        units.map((u) => ({ label: u.name, value: String(u.id) })),
        { nav: ["back", "cancel"] },
      );
      if (a.nav === "back") step = "target";
      else if (a.nav) return cancelled(kit, orgId);
      else {
        const unit = units.find((u) => String(u.id) === a.value)!;
        target = { unit: { id: unit.id, name: unit.name } };
        step = "confirm";
      }
    } else if (step === "person") {
      const a = await askPerson(kit, orgId, t("admin:addRule.askPerson"), {
        nav: ["back", "cancel"],
        activeOnly: true,
      });
      if (a.nav === "back") step = "target";
      else if (a.nav) return cancelled(kit, orgId);
      else {
        target = { person: { id: a.value.id, fullName: a.value.fullName } };
        step = "confirm";
      }
    } else {
      const chosen = target!;
      const topic = topics.find((x) => x.id === topicId) ?? null;
      const draft = {
        topic,
        kind,
        unit: "unit" in chosen ? { ...chosen.unit, code: "" } : null,
        person: "person" in chosen ? { ...chosen.person, code: "" } : null,
      };
      const existing = rules.find((r) => (r.topic?.id ?? null) === topicId && r.kind === kind);
      const lines = [t("admin:addRule.summary", { rule: ruleText(t, kit.locale, draft, topics) })];
      if (existing)
        lines.push(t("admin:addRule.replaces", { rule: ruleText(t, kit.locale, existing, topics) }));
      const a = await kit.choose(lines.join("\n\n"), [{ label: t("admin:addRule.save"), value: "save" }], {
        nav: ["back", "cancel"],
      });
      if (a.nav === "back") {
        step = "target";
        continue;
      }
      if (a.nav) return cancelled(kit, orgId);
      const input = {
        topicId,
        kind,
        unitId: draft.unit?.id ?? null,
        personId: draft.person?.id ?? null,
        priority: existing?.priority ?? 0,
      };
      const saved = await attempt(kit, () =>
        kit.call((s, outer) => s.directoryAdmin.addRoutingRule(outer.actor, orgId, input)),
      );
      if (!saved) return;
      const keyboard: InlineKeyboardButton[][] = [
        [{ text: t("admin:menu.rules"), callback_data: adminAction.rules(orgId) }],
        backToMenu(t, orgId),
      ];
      return kit.say(t("admin:addRule.saved"), keyboard);
    }
  }
}

export const routingConversations = [
  createConversation<BotContext, ConvContext>(addTopicConversation, ADD_TOPIC),
  createConversation<BotContext, ConvContext>(addRuleConversation, ADD_RULE),
];
