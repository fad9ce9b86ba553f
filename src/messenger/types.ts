/** Shapes of the Messenger Platform (webhook events, Send API) the bridge uses. */

export interface MessengerAttachment {
  type: "image" | "video" | "audio" | "file" | "location" | "fallback" | "template" | string;
  payload?: {
    url?: string;
    sticker_id?: number;
    title?: string;
    coordinates?: { lat: number; long: number };
  };
  title?: string;
}

export interface MessengerReferral {
  ref?: string;
  source?: string;
  type?: string;
}

/** One entry of `entry[].messaging[]`. */
export interface MessagingEvent {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  message?: {
    mid: string;
    text?: string;
    is_echo?: boolean;
    quick_reply?: { payload: string };
    attachments?: MessengerAttachment[];
    sticker_id?: number;
    reply_to?: { mid: string };
  };
  postback?: { mid?: string; title?: string; payload: string; referral?: MessengerReferral };
  referral?: MessengerReferral;
  reaction?: { mid: string; action: "react" | "unreact"; emoji?: string; reaction?: string };
  message_edit?: { mid: string; text?: string; num_edit?: number };
  delivery?: unknown;
  read?: unknown;
}

export interface WebhookBody {
  object: string;
  entry?: { id: string; time: number; messaging?: MessagingEvent[] }[];
}

export interface QuickReply {
  content_type: "text" | "user_phone_number" | "user_email";
  title?: string;
  payload?: string;
}

export type TemplateButton =
  { type: "postback"; title: string; payload: string } | { type: "web_url"; title: string; url: string };

/** The `message` of a Send API request. */
export interface OutgoingMessage {
  text?: string;
  quick_replies?: QuickReply[];
  attachment?:
    | { type: "template"; payload: { template_type: "button"; text: string; buttons: TemplateButton[] } }
    | { type: "image" | "file"; payload: { attachment_id: string } };
}

export type MessagingType = "RESPONSE" | "UPDATE" | "MESSAGE_TAG";

export interface SendRequest {
  recipient: { id: string };
  messaging_type: MessagingType;
  tag?: string;
  message: OutgoingMessage;
}

/** A file from a Messenger user as the file store keeps it (src/files). */
export interface IncomingFileLike {
  fileId: string;
  fileUniqueId: string;
  kind: "PHOTO" | "DOCUMENT";
  fileName: string | null;
  mimeType: string | null;
  size: number;
}

export interface UploadInput {
  bytes: Buffer;
  mimeType: string;
  fileName: string;
  type: "image" | "file";
}

/** The file store as the bridge needs it (src/files gives the real one). */
export interface MessengerFiles {
  storeIncoming(bytes: Uint8Array, mime: string | null, name: string | null): Promise<IncomingFileLike>;
  /** The Page's attachment id for a stored or Telegram file, uploading it once with `upload`. */
  attachmentId(fileRef: string, upload: (f: UploadInput) => Promise<string>): Promise<string>;
}
