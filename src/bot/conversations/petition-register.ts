/**
 * The clerk registers a petition that arrived on paper, in person, by phone, e-mail or
 * through the 11-11 centre: channel, date of receipt, sender, kind, topic, text, scanned
 * files, petitioner and contacts, summary with edit buttons, then registerByStaff. The
 * service decides which contacts a channel needs; a refused field is asked again.
 */
import { createConversation } from "@grammyjs/conversations";
import type { PetitionChannel, PetitionKind, SenderType } from "../../generated/prisma/enums.js";
import { formatDate } from "../../i18n.js";
import { checkReceivedAt } from "../../petitions/field-checks.js";
import type { IntakeOptions, SubmitResult } from "../../petitions/types.js";
import {
  type AttachmentInput,
  type StaffIntakeInput,
  validateEmail,
  validatePhone,
} from "../../petitions/validation.js";
import { action } from "../../shared/actions.js";
import { DomainError } from "../../shared/errors.js";
import type { BotContext, ConvContext } from "../context.js";
import { type BotConversation, conversationNames, type Kit, makeKit, type Nav } from "./kit.js";
import {
  askAddress,
  askPetitionStep,
  attempt,
  fieldOf,
  navResult,
  petitionSummaryLines,
  runSteps,
  type StepResult,
} from "./petition-steps.js";

export const REGISTER = "petition-register";
conversationNames[REGISTER] = "petitionsBot:register.name";

const CHANNELS: PetitionChannel[] = ["WRITTEN", "IN_PERSON", "PHONE", "EMAIL", "GOV_11_11", "OTHER"];
const SENDERS: SenderType[] = ["CITIZEN", "LEGAL_ENTITY", "CIVIL_SERVANT"];

const STEPS = [
  "channel",
  "received",
  "sender",
  "kind",
  "topic",
  "text",
  "files",
  "anonymous",
  "name",
  "phone",
  "email",
  "address",
  "summary",
] as const;
type Step = (typeof STEPS)[number];

const FIELD_STEP: Partial<Record<string, Step>> = {
  channel: "channel",
  receivedAt: "received",
  senderType: "sender",
  kind: "kind",
  topic: "topic",
  text: "text",
  attachments: "files",
  name: "name",
  phone: "phone",
  email: "email",
  address: "address",
};

interface Draft {
  channel: PetitionChannel | null;
  receivedAt: string | null;
  senderType: SenderType;
  kind: PetitionKind | null;
  topicId: number | null;
  text: string | null;
  attachments: AttachmentInput[];
  anonymous: boolean;
  petitionerName: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
}

async function registerConversation(conversation: BotConversation, _ctx: ConvContext) {
  const kit = await makeKit(conversation, "petitionsBot:register.name");
  const { t } = kit;
  const orgId = kit.actor.orgId ?? 0;
  const opts = await attempt(kit, () => kit.call((s) => s.petitions.intakeOptions(orgId)));
  if (!opts) return;
  const today = formatDate(await kit.call(async (_s, outer) => outer.clock.now().toISOString()));
  const d: Draft = {
    channel: null,
    receivedAt: null,
    senderType: "CITIZEN",
    kind: null,
    topicId: null,
    text: null,
    attachments: [],
    anonymous: false,
    petitionerName: null,
    phone: null,
    email: null,
    address: null,
  };
  /** Fields the service asked for: their steps offer no "skip". */
  const required = new Set<string>();

  const applies = (step: Step): boolean => {
    switch (step) {
      case "topic":
        return opts.topics.length > 0;
      case "files":
        return opts.maxAttachments > 0;
      case "anonymous":
        return d.kind !== null && opts.anonymousKinds.includes(d.kind);
      case "name":
      case "phone":
      case "email":
      case "address":
        return !d.anonymous;
      default:
        return true;
    }
  };

  const input = (): StaffIntakeInput => ({
    channel: d.channel as PetitionChannel,
    receivedAt: d.receivedAt ?? "",
    senderType: d.senderType,
    kind: d.kind as PetitionKind,
    topicId: d.topicId,
    text: d.text ?? "",
    attachments: d.attachments,
    anonymous: d.anonymous,
    petitionerName: d.anonymous ? null : d.petitionerName,
    phone: d.anonymous ? null : d.phone,
    email: d.anonymous ? null : d.email,
    address: d.anonymous ? null : d.address,
  });

  const optional = (field: string, nav: Nav[]): Nav[] => (required.has(field) ? nav : ["skip", ...nav]);

  async function run(step: Step, nav: Nav[]): Promise<StepResult<Step>> {
    switch (step) {
      case "channel": {
        const r = await kit.choose(
          t("petitionsBot:register.askChannel"),
          CHANNELS.map((c) => ({ label: t(`petitions:channel.${c}`), value: c })),
          { nav, columns: 2 },
        );
        if (r.nav) return navResult(r.nav);
        d.channel = r.value;
        return "next";
      }
      case "received": {
        for (;;) {
          const r = await kit.askText(t("petitionsBot:register.askReceived", { today }), {
            max: 40,
            nav,
          });
          if (r.nav) return navResult(r.nav);
          const v = await kit.call((_s, outer) =>
            checkReceivedAt(outer.deps.prisma, orgId, r.value, outer.clock.now()),
          );
          if (v.ok) {
            d.receivedAt = v.value;
            return "next";
          }
          await kit.say(t(v.key, v.params));
        }
      }
      case "sender": {
        const r = await kit.choose(
          t("petitionsBot:register.askSender"),
          SENDERS.map((s) => ({ label: t(`petitions:senderType.${s}`), value: s })),
          { nav },
        );
        if (r.nav) return navResult(r.nav);
        d.senderType = r.value;
        return "next";
      }
      case "kind":
      case "topic":
      case "text":
      case "files":
      case "anonymous":
      case "name":
        return askPetitionStep(kit, step, d, opts as IntakeOptions, nav, applies, {
          kind: "petitionsBot:register.askKind",
          anonymous: "petitionsBot:register.askAnonymous",
          name: "petitionsBot:register.askName",
        });
      case "phone": {
        const r = await kit.askText(t("petitionsBot:register.askPhone"), {
          max: 100,
          nav: optional("phone", nav),
          validate: (s) => validatePhone(s),
        });
        if (r.nav === "skip") d.phone = null;
        if (r.nav) return navResult(r.nav);
        d.phone = r.value;
        return "next";
      }
      case "email": {
        const r = await kit.askText(t("petitionsBot:register.askEmail"), {
          max: 300,
          nav: optional("email", nav),
          validate: (s) => {
            const v = validateEmail(s);
            return v.ok ? { ok: true, value: v.value ?? "" } : v;
          },
        });
        if (r.nav === "skip") d.email = null;
        if (r.nav) return navResult(r.nav);
        d.email = r.value;
        return "next";
      }
      case "address": {
        const r = await askAddress(kit, optional("address", nav), "petitionsBot:register.askAddress");
        if (r.nav === "skip") d.address = null;
        if (r.nav) return navResult(r.nav);
        d.address = r.value;
        return "next";
      }
      case "summary":
        return summary(nav);
    }
  }

  async function summary(nav: Nav[]): Promise<StepResult<Step>> {
    const options: { label: string; value: Step | "submit" }[] = [
      { label: t("petitionsBot:register.submit"), value: "submit" },
      { label: t("petitionsBot:register.editChannel"), value: "channel" },
      { label: t("petitionsBot:register.editReceived"), value: "received" },
      { label: t("petitionsBot:summary.editKind"), value: "kind" },
    ];
    if (applies("topic")) options.push({ label: t("petitionsBot:summary.editTopic"), value: "topic" });
    options.push({ label: t("petitionsBot:summary.editText"), value: "text" });
    if (applies("files")) options.push({ label: t("petitionsBot:summary.editFiles"), value: "files" });
    if (!d.anonymous) {
      options.push({ label: t("petitionsBot:summary.editName"), value: "name" });
      options.push({ label: t("petitionsBot:summary.editPhone"), value: "phone" });
      options.push({ label: t("petitionsBot:register.editEmail"), value: "email" });
      options.push({ label: t("petitionsBot:summary.editAddress"), value: "address" });
    }
    const r = await kit.choose(summaryText(kit, opts as IntakeOptions, d), options, { nav, columns: 2 });
    if (r.nav) return navResult(r.nav);
    if (r.value !== "submit") return { goto: r.value };
    let result: SubmitResult;
    try {
      result = await kit.call((s, outer) => s.petitions.registerByStaff(outer.actor, input()));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await kit.say(t(err.key, err.params));
      const field = fieldOf(err);
      if (!field) return "cancel";
      if (field === "anonymous") {
        d.anonymous = false;
        return { goto: "name" };
      }
      required.add(field);
      const step = FIELD_STEP[field];
      return step && applies(step) ? { goto: step } : { goto: "summary" };
    }
    await kit.say(
      t("petitionsBot:register.done", {
        number: result.number,
        due: formatDate(result.dueAt),
        route: t(`petitionsBot:register.route.${result.routedTo}`),
      }),
      [[{ text: t("petitions:button.open"), callback_data: action("pt", "open", result.id) }]],
    );
    return "done";
  }

  const outcome = await runSteps<Step>({
    order: STEPS,
    summary: "summary",
    applies,
    run: (s, how) => run(s, how.nav),
  });
  if (outcome === "cancel") await kit.say(t("petitionsBot:register.cancelled"));
}

function summaryText(kit: Kit, o: IntakeOptions, d: Draft): string {
  const { t } = kit;
  const dash = "—";
  const lines = [
    t("petitionsBot:register.summaryTitle"),
    "",
    t("petitionsBot:register.summaryChannel", {
      channel: d.channel ? t(`petitions:channel.${d.channel}`) : dash,
      date: d.receivedAt ? d.receivedAt.replaceAll("-", ".") : dash,
    }),
    t("petitionsBot:register.summarySender", { value: t(`petitions:senderType.${d.senderType}`) }),
    t("petitionsBot:summary.kind", { value: d.kind ? t(`petitions:kind.${d.kind}`) : dash }),
    ...petitionSummaryLines(kit, o, d),
  ];
  if (d.anonymous) {
    lines.push(t("petitionsBot:summary.anonymous"));
  } else {
    lines.push(t("petitionsBot:summary.name", { value: d.petitionerName ?? dash }));
    lines.push(t("petitionsBot:summary.phone", { value: d.phone ?? dash }));
    lines.push(t("petitionsBot:register.summaryEmail", { value: d.email ?? dash }));
    lines.push(t("petitionsBot:summary.address", { value: d.address ?? dash }));
  }
  lines.push("", t("petitionsBot:register.summaryCheck"));
  return lines.join("\n");
}

export const registerConversations = [
  createConversation<BotContext, ConvContext>(registerConversation, REGISTER),
];
