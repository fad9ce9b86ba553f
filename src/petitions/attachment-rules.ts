/**
 * Which files a petition, a reply or an answer may carry, whatever the channel. Files are kept by their chat
 * file id, so the limit is what a bot can fetch again (20 MB on Telegram); programs and
 * scripts are refused because whoever opens an attachment at the office must be safe.
 */
import type { AttachmentInput, FieldResult } from "./validation.js";

/** Largest file a bot can download again from Telegram. */
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;
export const ATTACHMENT_MAX_MB = ATTACHMENT_MAX_BYTES / 1024 / 1024;

const EXECUTABLE_EXTENSIONS = new Set([
  "exe",
  "msi",
  "msp",
  "bat",
  "cmd",
  "com",
  "scr",
  "pif",
  "cpl",
  "dll",
  "sys",
  "vbs",
  "vbe",
  "js",
  "jse",
  "mjs",
  "wsf",
  "wsh",
  "hta",
  "ps1",
  "psm1",
  "reg",
  "lnk",
  "sh",
  "bash",
  "run",
  "bin",
  "apk",
  "aab",
  "xapk",
  "ipa",
  "jar",
  "app",
  "dmg",
  "pkg",
  "deb",
  "rpm",
  "appimage",
  "gadget",
]);

const EXECUTABLE_MIME =
  /(x-msdownload|x-msdos-program|x-ms-installer|x-msi|x-executable|x-dosexec|portable-executable|android\.package-archive|java-archive|x-sh$|x-shellscript|x-bat|x-elf|x-mach-binary|javascript)/i;

function extensionOf(name: string | null | undefined): string {
  const m = /\.([a-z0-9]{1,10})$/i.exec(name ?? "");
  return m ? (m[1] as string).toLowerCase() : "";
}

/**
 * Checks one file. Refusals name the file and say why: `petitions:errors.fileTooLarge`
 * ({ name, size, max } in MB) or `petitions:errors.fileTypeRefused` ({ name }); `name` is
 * null for photos (a channel names them in its own words). `validateAttachments` applies
 * it to every file a service receives; a channel may call it as each file arrives.
 */
export function checkAttachmentFile(file: AttachmentInput): FieldResult<AttachmentInput> {
  const name = file.fileName ?? null;
  if (
    file.kind === "DOCUMENT" &&
    (EXECUTABLE_EXTENSIONS.has(extensionOf(file.fileName)) || EXECUTABLE_MIME.test(file.mimeType ?? ""))
  ) {
    return { ok: false, key: "petitions:errors.fileTypeRefused", params: { name } };
  }
  if (typeof file.size === "number" && file.size > ATTACHMENT_MAX_BYTES) {
    const size = (file.size / 1024 / 1024).toFixed(1);
    return {
      ok: false,
      key: "petitions:errors.fileTooLarge",
      params: { name, size, max: ATTACHMENT_MAX_MB },
    };
  }
  return { ok: true, value: file };
}
