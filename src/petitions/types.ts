/**
 * Results of the petition services: plain JSON-friendly objects (dates as ISO strings),
 * safe to keep in a conversation's state and to render on any channel.
 */
import type {
  FileKind,
  PetitionChannel,
  PetitionEventType,
  PetitionKind,
  PetitionStatus,
  SenderType,
} from "../generated/prisma/enums.js";
import type { StaffAction } from "./permissions.js";

export interface Named {
  id: number;
  name: string;
  nameEn: string | null;
}

export interface SubmitResult {
  id: number;
  number: string;
  status: PetitionStatus;
  receivedAt: string;
  dueAt: string;
  /** Where routing put it: straight to an official, a unit's tray, or the clerks' queue. */
  routedTo: "person" | "unit" | "queue";
}

/** What an intake conversation needs to know about the organisation before asking. */
export interface IntakeOptions {
  org: Named & { slug: string };
  kinds: PetitionKind[];
  anonymousKinds: PetitionKind[];
  requireAddress: boolean;
  maxAttachments: number;
  textMin: number;
  textMax: number;
  topics: (Named & { code: string; requiresAddress: boolean })[];
}

export interface CitizenPetitionSummary {
  id: number;
  number: string;
  status: PetitionStatus;
  kind: PetitionKind;
  org: Named;
  receivedAt: string;
  dueAt: string;
}

/** A history entry as the citizen sees it: what happened and when, never who. */
export interface CitizenHistoryEntry {
  type: PetitionEventType;
  at: string;
  note?: string;
  /** FORWARDED: { to }; EXTENSION_APPROVED: { dueAt }; RATED: { score }. */
  data?: Record<string, string | number>;
}

export interface AttachmentView {
  id: number;
  kind: FileKind;
  fileId: string;
  fileName: string | null;
  mimeType: string | null;
  size: number | null;
  eventId: number | null;
}

export interface CitizenPetitionCard extends CitizenPetitionSummary {
  topic: Named | null;
  text: string;
  anonymous: boolean;
  extended: boolean;
  forwardedTo: string | null;
  answer: { text: string; at: string; attachments: AttachmentView[] } | null;
  rating: number | null;
  ratingComment: string | null;
  /** The citizen's own files (those they sent with the petition, replies and additions). */
  attachments: AttachmentView[];
  canAddInfo: boolean;
  canWithdraw: boolean;
  canReply: boolean;
  canRate: boolean;
  history: CitizenHistoryEntry[];
}

export interface StaffPetitionSummary {
  id: number;
  number: string;
  status: PetitionStatus;
  kind: PetitionKind;
  channel: PetitionChannel;
  topic: Named | null;
  unit: Named | null;
  assignee: { id: number; fullName: string } | null;
  /** Null for anonymous petitions. */
  petitionerName: string | null;
  excerpt: string;
  receivedAt: string;
  dueAt: string;
  overdue: boolean;
  extended: boolean;
  /** In the clerks' queue because the last assignee returned it. */
  returned: boolean;
}

export interface StaffHistoryEntry {
  id: number;
  type: PetitionEventType;
  at: string;
  /** A staff member, the citizen who filed it, or nobody (the system). */
  actor: { personId: number; fullName: string } | { citizen: true } | null;
  note: string | null;
  data: unknown;
  attachments: AttachmentView[];
}

export interface StaffPetitionCard extends StaffPetitionSummary {
  org: Named;
  senderType: SenderType;
  text: string;
  anonymous: boolean;
  petitioner: {
    name: string | null;
    phone: string | null;
    /** The phone's country (ISO region code, e.g. "KR"), when it is not a Mongolian number. */
    phoneCountry: string | null;
    address: string | null;
    email: string | null;
  };
  /** The petition came through the bot: questions and the answer reach the citizen in chat. */
  citizenInChat: boolean;
  /**
   * The citizen is on Messenger and messages to them wait (they have not written within
   * 24 hours): since when the oldest one waits.
   */
  citizenNotReachedSince: string | null;
  registeredBy: { id: number; fullName: string } | null;
  /** Last day to forward it when outside the organisation's competence. */
  forwardBy: string;
  /** The forward term has passed while the petition is open: a forward now is late. */
  forwardLate: boolean;
  extensionRequestedDays: number | null;
  extensionReason: string | null;
  extensionPending: boolean;
  /** `number`: its registration number there, when that organisation uses this system too. */
  forwardedTo: { orgId: number | null; name: string; number: string | null } | null;
  /** Registered here because another organisation of this system forwarded it. */
  forwardedFrom: { org: Named; number: string } | null;
  /** The answer waiting for the head's review. */
  pendingAnswer: string | null;
  answer: { text: string; at: string } | null;
  rating: number | null;
  ratingComment: string | null;
  closedAt: string | null;
  attachments: AttachmentView[];
  history: StaffHistoryEntry[];
  /** The actions the viewer may take now (the service re-checks each). */
  allowedActions: StaffAction[];
}

/** Open petitions: all, due within the organisation's "due soon" days, due within 7 days, or overdue. */
export type AssigneeFilter = "open" | "dueSoon" | "dueThisWeek" | "overdue";
