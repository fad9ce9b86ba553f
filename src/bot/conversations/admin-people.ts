/**
 * The admin's dialogues about people: finding a person (→ their card with the role,
 * deactivate, disconnect and invite buttons of ../features/admin.ts) and adding a person
 * (name, unit from the list, position if the unit has any, roles).
 */
import { createConversation } from "@grammyjs/conversations";
import { Role } from "../../generated/prisma/enums.js";
import type { BotContext, ConvContext } from "../context.js";
import { personCard, positionsOf, unitsOf } from "../../directory/admin-queries.js";
import {
  cardKeyboard,
  cardText,
  maskToRoles,
  ROLE_ORDER,
  roleNames,
  rolesToMask,
} from "../features/admin-views.js";
import { attempt, askPerson, cancelled, inLetters } from "./admin-steps.js";
import { type BotConversation, conversationNames, makeKit } from "./kit.js";

export const FIND_PERSON = "admin-find-person";
export const FIND_PERSON_NAME = "admin:people.conversation";
export const ADD_PERSON = "admin-add-person";
export const ADD_PERSON_NAME = "admin:addPerson.conversation";
conversationNames[FIND_PERSON] = FIND_PERSON_NAME;
conversationNames[ADD_PERSON] = ADD_PERSON_NAME;

async function findPersonConversation(conversation: BotConversation, _ctx: ConvContext, orgId: number) {
  const kit = await makeKit(conversation, FIND_PERSON_NAME);
  const found = await askPerson(kit, orgId, kit.t("admin:people.ask"), { nav: ["cancel"] });
  if (found.nav) return cancelled(kit, orgId);
  const personId = found.value.id;
  const card = await attempt(kit, () =>
    kit.call((_s, outer) => personCard(outer.deps.prisma, outer.actor, personId)),
  );
  if (card) await kit.say(cardText(kit.t, card.value), cardKeyboard(kit.t, card.value));
}

type AddStep = "name" | "unit" | "position" | "roles";

async function addPersonConversation(conversation: BotConversation, _ctx: ConvContext, orgId: number) {
  const kit = await makeKit(conversation, ADD_PERSON_NAME);
  const { t } = kit;
  const units = await attempt(kit, () =>
    kit.call((_s, outer) => unitsOf(outer.deps.prisma, outer.actor, orgId)),
  );
  if (!units) return;

  let fullName = "";
  let unitId: number | null = null;
  let positionId: number | null = null;
  let hadPositions = false;
  let mask = rolesToMask([Role.OFFICIAL]);
  let step: AddStep = "name";
  for (;;) {
    if (step === "name") {
      const a = await kit.askText(t("admin:addPerson.askName"), {
        max: 200,
        nav: ["cancel"],
        validate: inLetters,
      });
      if (a.nav) return cancelled(kit, orgId);
      fullName = a.value;
      step = "unit";
    } else if (step === "unit") {
      const a = await kit.choose(
        t("admin:addPerson.askUnit", { name: fullName }),
        [
          ...units.value.map((u) => ({ label: u.name, value: String(u.id) })),
          { label: t("admin:addPerson.noUnit"), value: "0" },
        ],
        { nav: ["back", "cancel"] },
      );
      if (a.nav === "back") step = "name";
      else if (a.nav) return cancelled(kit, orgId);
      else {
        unitId = a.value === "0" ? null : Number(a.value);
        step = "position";
      }
    } else if (step === "position") {
      const chosenUnit = unitId;
      const positions = await kit.call((_s, outer) =>
        positionsOf(outer.deps.prisma, outer.actor, orgId, chosenUnit),
      );
      hadPositions = positions.length > 0;
      positionId = null;
      if (!hadPositions) {
        step = "roles";
        continue;
      }
      const a = await kit.choose(
        t("admin:addPerson.askPosition", { name: fullName }),
        positions.map((p) => ({ label: p.title, value: String(p.id) })),
        { nav: ["skip", "back", "cancel"] },
      );
      if (a.nav === "back") step = "unit";
      else if (a.nav === "skip") step = "roles";
      else if (a.nav) return cancelled(kit, orgId);
      else {
        positionId = Number(a.value);
        step = "roles";
      }
    } else {
      const a = await kit.choose(
        t("admin:addPerson.askRoles", { name: fullName, roles: roleNames(t, maskToRoles(mask)) }),
        [
          ...ROLE_ORDER.map((role, i) => ({
            label: t((mask & (1 << i)) !== 0 ? "admin:roles.on" : "admin:roles.off", {
              role: t(`common:roles.${role}`),
            }),
            value: String(i),
          })),
          { label: t("admin:addPerson.done"), value: "done" },
        ],
        { nav: ["back", "cancel"] },
      );
      if (a.nav === "back") step = hadPositions ? "position" : "unit";
      else if (a.nav) return cancelled(kit, orgId);
      else if (a.value !== "done") mask ^= 1 << Number(a.value);
      else break;
    }
  }

  const input = { fullName, unitId, positionId, roles: maskToRoles(mask) };
  const person = await attempt(kit, () =>
    kit.call((s, outer) => s.directoryAdmin.addPerson(outer.actor, orgId, input)),
  );
  if (!person) return;
  await kit.say(
    `${t("admin:addPerson.added", { name: person.value.fullName, code: person.value.code })}\n\n${cardText(t, person.value)}`,
    cardKeyboard(t, person.value),
  );
}

export const peopleConversations = [
  createConversation<BotContext, ConvContext>(findPersonConversation, FIND_PERSON),
  createConversation<BotContext, ConvContext>(addPersonConversation, ADD_PERSON),
];
