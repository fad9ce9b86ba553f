/**
 * The citizen's petition: organisation, kind, topic, text, files, anonymity, name, phone
 * (Telegram's share-contact button or typed), address, consent, summary with edit
 * buttons, and registration. Back and cancel at every step; the answers survive a restart
 * of the bot (the conversation is replayed from the database).
 *
 * On "Submit" the petition is registered and committed by the service before the
 * confirmation with its number and due date is sent.
 */
import type { PetitionKind } from "../../generated/prisma/enums.js";
import { formatDate } from "../../i18n.js";
import { consentRequired, personalDataKept } from "../../petitions/consent.js";
import { intakeOrganizations, type OrganizationChoice } from "../../petitions/organizations.js";
import type { IntakeOptions, SubmitResult } from "../../petitions/types.js";
import { type AttachmentInput, type CitizenDraft, validatePhone } from "../../petitions/validation.js";
import { DomainError } from "../../shared/errors.js";
import { action } from "../../shared/actions.js";
import type { ConvContext } from "../context.js";
import { type BotConversation, conversationNames, type Kit, makeKit, type Nav } from "./kit.js";
import {
  askAddress,
  askPetitionStep,
  fieldOf,
  nameIn,
  navResult,
  petitionSummaryLines,
  runSteps,
  type StepPosition,
  type StepResult,
  sendMarkup,
} from "./petition-steps.js";

export const INTAKE = "petition-intake";
export const INTAKE_NAME = "petitionsBot:intake.name";
conversationNames[INTAKE] = INTAKE_NAME;

const STEPS = [
  "org",
  "kind",
  "topic",
  "text",
  "files",
  "anonymous",
  "name",
  "phone",
  "address",
  "consent",
  "summary",
] as const;
type Step = (typeof STEPS)[number];

interface Draft {
  orgId: number | null;
  kind: PetitionKind | null;
  topicId: number | null;
  text: string | null;
  attachments: AttachmentInput[];
  anonymous: boolean;
  petitionerName: string | null;
  phone: string | null;
  address: string | null;
  consent: boolean;
}

/**
 * Where an intake stands between two steps: what the next conversation needs to go on
 * (`Kit.continueAs`). Each step runs in a conversation of its own, so an update replays the
 * step in progress only, and the stored state holds one step's log.
 */
interface IntakeSnapshot {
  draft: Draft;
  opts: IntakeOptions | null;
  orgs: OrganizationChoice[];
  orgFixed: boolean;
  jumps: number;
  /** The first conversation's id: the intake's key, one petition however often "Submit" arrives. */
  intakeId: string;
  position: StepPosition<Step>;
}

/**
 * How the intake is entered: `{}` to begin (each step then continues as a new
 * conversation), `{ continued }` to go on. An intake entered without it (begun before
 * steps continued as new conversations) runs whole in one conversation, as it began.
 */
export interface IntakeStart {
  continued?: IntakeSnapshot;
}

/** The service's field → the step that asks it. */
const FIELD_STEP: Partial<Record<string, Step>> = {
  org: "org",
  kind: "kind",
  topic: "topic",
  text: "text",
  attachments: "files",
  anonymous: "anonymous",
  name: "name",
  phone: "phone",
  address: "address",
  consent: "consent",
};

export async function intakeConversation(
  conversation: BotConversation,
  _ctx: ConvContext,
  start?: IntakeStart,
) {
  const kit = await makeKit(conversation, INTAKE_NAME);
  const { t, locale } = kit;
  const resumed = start?.continued;
  const d: Draft = resumed?.draft ?? {
    orgId: null,
    kind: null,
    topicId: null,
    text: null,
    attachments: [],
    anonymous: false,
    petitionerName: null,
    phone: null,
    address: null,
    consent: false,
  };
  let opts: IntakeOptions | null = resumed?.opts ?? null;
  let jumps = resumed?.jumps ?? 0;
  const intakeId = resumed?.intakeId ?? kit.instanceId;

  const loadOptions = (orgId: number) => kit.call((s) => s.petitions.intakeOptions(orgId));

  let orgs: OrganizationChoice[];
  let orgFixed: boolean;
  if (resumed) {
    orgs = resumed.orgs;
    orgFixed = resumed.orgFixed;
  } else {
    // An organisation chosen by a ?start=org_<slug> link (it can still be changed), or the only one there is.
    orgs = await kit.call((_s, outer) => intakeOrganizations(outer.deps.prisma));
    orgFixed = orgs.length === 1;
    const preferred = await kit.call(async (_s, outer) => outer.user.preferredOrgId ?? null);
    if (preferred !== null) {
      opts = await loadOptions(preferred).catch((err) => {
        if (err instanceof DomainError) return null;
        throw err;
      });
    }
    if (!opts) {
      if (orgs.length === 0) return kit.say(t("petitionsBot:intake.noOrganizations"));
      if (orgFixed) opts = await loadOptions((orgs[0] as OrganizationChoice).id);
    }
    if (opts) {
      d.orgId = opts.org.id;
      await kit.say(t("petitionsBot:intake.introOrg", { org: nameIn(locale, opts.org) }));
    } else {
      await kit.say(t("petitionsBot:intake.intro"));
    }
  }

  const topic = () => opts?.topics.find((x) => x.id === d.topicId) ?? null;
  const addressRequired = () => Boolean(opts?.requireAddress || topic()?.requiresAddress);
  const draft = (): Omit<CitizenDraft, "orgId"> => ({
    kind: d.kind as PetitionKind,
    topicId: d.topicId,
    text: d.text ?? "",
    attachments: d.attachments,
    anonymous: d.anonymous,
    petitionerName: d.anonymous ? null : d.petitionerName,
    phone: d.anonymous ? null : d.phone,
    address: d.anonymous ? null : d.address,
    consent: d.consent,
  });

  function applies(step: Step): boolean {
    switch (step) {
      case "org":
        return !orgFixed;
      case "topic":
        return (opts?.topics.length ?? 0) > 0;
      case "files":
        return (opts?.maxAttachments ?? 0) > 0;
      case "anonymous":
        return d.kind !== null && (opts?.anonymousKinds ?? []).includes(d.kind);
      case "name":
      case "phone":
        return !d.anonymous;
      case "address":
        return !d.anonymous && addressRequired();
      case "consent":
        return consentRequired(d);
      default:
        return true;
    }
  }

  /** Where to go when the service refuses the draft on a field. */
  function stepFor(field: string): StepResult<Step> {
    if (field === "anonymous") {
      d.anonymous = false;
      return { goto: "name" };
    }
    const step = FIELD_STEP[field];
    if (!step) return "cancel";
    if (applies(step)) return { goto: step };
    // The step no longer applies (e.g. the topic list changed): drop the stale answer.
    if (step === "topic") d.topicId = null;
    if (step === "files") d.attachments = [];
    if (step === "address") d.address = null;
    return { goto: "summary" };
  }

  async function run(step: Step, nav: Nav[], editing: boolean): Promise<StepResult<Step>> {
    switch (step) {
      case "org": {
        const r = await kit.choose(
          t("petitionsBot:intake.askOrg"),
          orgs.map((o) => ({ label: nameIn(locale, o), value: String(o.id) })),
          { nav },
        );
        if (r.nav) return navResult(r.nav);
        const id = Number(r.value);
        if (id !== d.orgId) {
          const loaded = await loadOptions(id).catch(async (err) => {
            if (!(err instanceof DomainError)) throw err;
            await kit.say(t(err.key, err.params));
            return null;
          });
          if (!loaded) {
            orgs = await kit.call((_s, outer) => intakeOrganizations(outer.deps.prisma));
            return { goto: "org" };
          }
          opts = loaded;
          d.orgId = id;
          // Topics belong to an organisation; the kinds and anonymity it allows may differ.
          d.topicId = null;
          if (d.kind !== null && !loaded.kinds.includes(d.kind)) d.kind = null;
          if (!applies("anonymous")) d.anonymous = false;
          // Changed from the summary: the new organisation's topic is asked before going back.
          if (editing && d.kind !== null && applies("topic")) return { goto: "topic" };
        }
        return "next";
      }
      case "kind":
      case "topic":
      case "text":
      case "files":
      case "anonymous":
      case "name":
        return askPetitionStep(kit, step, d, opts as IntakeOptions, nav, applies, {
          anonymous: "petitionsBot:intake.askAnonymous",
          name: "petitionsBot:intake.askName",
        });
      case "phone":
        return askPhone(kit, d, nav);
      case "address": {
        const r = await askAddress(kit, nav, "petitionsBot:intake.askAddress");
        if (r.nav) return navResult(r.nav);
        d.address = r.value;
        return "next";
      }
      case "consent":
        return askConsent(nav);
      case "summary":
        return summary(nav);
    }
  }

  /** Consent for exactly the personal data kept; refusing offers anonymity (where allowed) or going back. */
  async function askConsent(nav: Nav[]): Promise<StepResult<Step>> {
    const data = personalDataKept(d)
      .map((item) => t(`petitionsBot:intake.consentItem.${item}`))
      .join(", ");
    // On Messenger the consent also says that Meta carries the messages.
    const channel = await kit.call(async (_s, outer) => outer.user.channel);
    const meta = channel === "MESSENGER" ? `\n\n${t("messenger:consentMeta")}` : "";
    const r = await kit.choose(
      `${t("petitionsBot:intake.askConsent", { org: nameIn(locale, opts?.org), data })}${meta}`,
      [
        { label: t("petitionsBot:intake.consentYes"), value: "yes" },
        { label: t("petitionsBot:intake.consentNo"), value: "no" },
      ],
      { nav },
    );
    if (r.nav) return navResult(r.nav);
    if (r.value === "yes") {
      d.consent = true;
      return "next";
    }
    d.consent = false;
    const anonymousPossible = applies("anonymous");
    const choice = await kit.choose(
      t(
        anonymousPossible
          ? "petitionsBot:intake.consentRefusedAnonymous"
          : "petitionsBot:intake.consentRefused",
      ),
      anonymousPossible ? [{ label: t("petitionsBot:intake.anonymous"), value: "anonymous" }] : [],
      { nav: ["back", "cancel"] },
    );
    if (choice.nav) return navResult(choice.nav);
    d.anonymous = true;
    return { goto: "summary" };
  }

  async function summary(nav: Nav[]): Promise<StepResult<Step>> {
    const orgId = d.orgId as number;
    // The service checks the whole draft; a refused field is asked again.
    try {
      await kit.call((s) => s.petitions.validateIntake(orgId, draft()));
    } catch (err) {
      const field = fieldOf(err);
      if (!field || !(err instanceof DomainError)) throw err;
      const next = stepFor(field);
      // Dropping stale answers converges quickly; never loop without asking the user.
      if (typeof next === "object" && next.goto === "summary" && ++jumps > 5) throw err;
      await kit.say(t(err.key, err.params));
      return next;
    }
    jumps = 0;
    const o = opts as IntakeOptions;
    const options: { label: string; value: Step | "submit" }[] = [
      { label: t("petitionsBot:summary.submit"), value: "submit" },
    ];
    if (applies("org")) options.push({ label: t("petitionsBot:summary.editOrg"), value: "org" });
    options.push({ label: t("petitionsBot:summary.editKind"), value: "kind" });
    if (applies("topic")) options.push({ label: t("petitionsBot:summary.editTopic"), value: "topic" });
    options.push({ label: t("petitionsBot:summary.editText"), value: "text" });
    if (applies("files")) options.push({ label: t("petitionsBot:summary.editFiles"), value: "files" });
    if (applies("anonymous"))
      options.push({ label: t("petitionsBot:summary.editAnonymous"), value: "anonymous" });
    if (!d.anonymous) {
      options.push({ label: t("petitionsBot:summary.editName"), value: "name" });
      options.push({ label: t("petitionsBot:summary.editPhone"), value: "phone" });
    }
    if (applies("address")) options.push({ label: t("petitionsBot:summary.editAddress"), value: "address" });
    const r = await kit.choose(summaryText(kit, o, d), options, { nav, columns: 2 });
    if (r.nav) return navResult(r.nav);
    if (r.value !== "submit") return { goto: r.value };

    let result: SubmitResult;
    try {
      result = await kit.call((s, outer) =>
        s.petitions.submitFromCitizen(
          outer.user.id,
          { ...draft(), orgId, consent: true },
          { intakeKey: intakeId && `intake:${intakeId}` },
        ),
      );
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await kit.say(t(err.key, err.params));
      const field = fieldOf(err);
      return field ? stepFor(field) : { goto: "summary" };
    }
    // Committed: now the citizen may be told. On Messenger also how news will reach them
    // (the Page may write only within 24 hours of their last message).
    const onMessenger = await kit.call(async (_s, outer) => outer.user.channel === "MESSENGER");
    await kit.say(
      t(onMessenger ? "petitionsBot:intake.registeredMessenger" : "petitionsBot:intake.registered", {
        kind: t(`petitions:kind.${draft().kind}`).toLocaleLowerCase(locale),
        number: result.number,
        due: formatDate(result.dueAt),
        org: nameIn(locale, o.org),
      }),
      [
        [
          { text: t("petitionsBot:intake.openIt"), callback_data: action("pc", "open", result.id) },
          { text: t("common:menu.petitionMine"), callback_data: "pc:my" },
        ],
      ],
    );
    return "done";
  }

  const outcome = await runSteps<Step>({
    order: STEPS,
    summary: "summary",
    // Linked to an organisation: begin with the kind; Back still leads to the choice.
    ...(resumed ? { resume: resumed.position } : opts !== null ? { start: "kind" as const } : {}),
    applies,
    run: (step, how) => run(step, how.nav, how.editing),
    ...(start
      ? {
          between: async (position: StepPosition<Step>) => {
            const next: IntakeStart = {
              continued: { draft: d, opts, orgs, orgFixed, jumps, intakeId, position },
            };
            await kit.continueAs(INTAKE, next);
            return true;
          },
        }
      : {}),
  });
  if (outcome === "cancel") {
    await sendMarkup(kit, t("petitionsBot:intake.cancelled"), { remove_keyboard: true });
  }
}

/**
 * The phone: Telegram's share-contact button under the input field, or typed. The
 * button is removed afterwards whichever way the step ends.
 */
async function askPhone(kit: Kit, d: Draft, nav: Nav[]): Promise<StepResult<Step>> {
  const { t } = kit;
  await sendMarkup(kit, t("petitionsBot:intake.phoneButtonHint"), {
    keyboard: [[{ text: t("petitionsBot:intake.shareContact"), request_contact: true }]],
    resize_keyboard: true,
    input_field_placeholder: t("petitionsBot:intake.phonePlaceholder"),
  });
  for (;;) {
    const r = await kit.askAny(
      t("petitionsBot:intake.askPhone"),
      (c) => c.message?.contact !== undefined || c.message?.text !== undefined,
      { nav, wrongKey: "petitionsBot:intake.phoneExpected" },
    );
    if (r.nav) {
      if (r.nav === "back")
        await sendMarkup(kit, t("petitionsBot:intake.phoneBack"), { remove_keyboard: true });
      return navResult(r.nav);
    }
    const msg = r.value.message;
    const v = msg?.contact
      ? validatePhone(msg.contact.phone_number, { fromContact: true })
      : validatePhone(msg?.text ?? "");
    if (!v.ok) {
      await kit.say(t(v.key, v.params));
      continue;
    }
    d.phone = v.value;
    await sendMarkup(kit, t("petitionsBot:intake.phoneSaved", { phone: v.value }), { remove_keyboard: true });
    return "next";
  }
}

function summaryText(kit: Kit, o: IntakeOptions, d: Draft): string {
  const { t, locale } = kit;
  const lines = [
    t("petitionsBot:summary.title"),
    "",
    t("petitionsBot:summary.org", { value: nameIn(locale, o.org) }),
    t("petitionsBot:summary.kind", { value: t(`petitions:kind.${d.kind}`) }),
    ...petitionSummaryLines(kit, o, d),
  ];
  if (d.anonymous) {
    lines.push(t("petitionsBot:summary.anonymous"));
  } else {
    lines.push(t("petitionsBot:summary.name", { value: d.petitionerName ?? "—" }));
    lines.push(t("petitionsBot:summary.phone", { value: d.phone ?? "—" }));
    if (d.address) lines.push(t("petitionsBot:summary.address", { value: d.address }));
  }
  lines.push("", t("petitionsBot:summary.check"));
  return lines.join("\n");
}
