/**
 * Importing a directory file in the chat: the admin sends a YAML or XLSX file as a
 * document; it is downloaded from the Bot API, parsed, checked completely and imported
 * into the admin's organisation only (the same import as the command line, with the admin
 * as the actor). Every row error is listed in the admin's language and nothing is
 * changed; after errors the corrected file can be sent at once.
 */
import { createConversation } from "@grammyjs/conversations";
import type { TFunction } from "i18next";
import type { Actor } from "../../directory/actor.js";
import { importDirectory } from "../../directory/import.js";
import { describeRowError, summarizeImport } from "../../directory/import-report.js";
import { slugsOf } from "../../directory/import-validate.js";
import { parseDirectoryXlsx } from "../../directory/import-xlsx.js";
import { parseDirectoryYaml } from "../../directory/import-yaml.js";
import { DomainError, ValidationError } from "../../shared/errors.js";
import type { BotContext, ConvContext } from "../context.js";
import { orgOverview } from "../../directory/admin-queries.js";
import { backToMenu, chunkLines } from "../features/admin-views.js";
import { downloadFile } from "../features/reporting-common.js";
import { attempt, cancelled } from "./admin-steps.js";
import { type BotConversation, conversationNames, makeKit } from "./kit.js";

export const IMPORT_DIRECTORY = "admin-import-directory";
export const IMPORT_DIRECTORY_NAME = "admin:import.conversation";
conversationNames[IMPORT_DIRECTORY] = IMPORT_DIRECTORY_NAME;

/** A directory of a few thousand people is far smaller. */
export const MAX_DIRECTORY_FILE_BYTES = 5 * 1024 * 1024;
const MAX_MB = MAX_DIRECTORY_FILE_BYTES / 1024 / 1024;
const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** Error lines listed at most (the count is always told). */
const MAX_ERROR_LINES = 300;

type Format = "yaml" | "xlsx";

/** By the file name's extension; by the type only when the file has no name. */
export function directoryFileFormat(name: string | undefined, mime: string | undefined): Format | null {
  const n = (name ?? "").toLowerCase();
  if (n.endsWith(".xlsx")) return "xlsx";
  if (n.endsWith(".yaml") || n.endsWith(".yml")) return "yaml";
  if (!name && mime === XLSX_MIME) return "xlsx";
  if (!name && mime && /yaml/i.test(mime)) return "yaml";
  return null;
}

type ImportOutcome =
  | { status: "imported"; lines: string[] }
  | { status: "invalid"; count: number; lines: string[] }
  | { status: "otherOrg"; slugs: string[] };

/** Downloads, parses and imports one file for the admin's organisation `slug`. */
async function importFile(
  outer: BotContext,
  input: { actor: Actor; slug: string; fileId: string; format: Format; t: TFunction },
): Promise<ImportOutcome> {
  const bytes = await downloadFile(outer, input.fileId).catch((err: unknown) => {
    if (err instanceof DomainError) throw err;
    outer.log.warn({ err }, "directory file download failed");
    throw new DomainError("admin:import.downloadFailed");
  });
  const parsed =
    input.format === "xlsx" ? await parseDirectoryXlsx(bytes) : parseDirectoryYaml(bytes.toString("utf8"));
  // Here only the chosen organisation is changed (the import itself refuses others too).
  const others = [...new Set(slugsOf(parsed.data).filter((s) => s !== input.slug))];
  if (others.length > 0) return { status: "otherOrg", slugs: others };
  try {
    const result = await importDirectory(outer.deps.prisma, parsed, { actor: input.actor });
    return { status: "imported", lines: summarizeImport(result, input.t) };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return {
      status: "invalid",
      count: err.errors.length,
      lines: err.errors.slice(0, MAX_ERROR_LINES).map((e) => describeRowError(e, input.t)),
    };
  }
}

async function importConversation(conversation: BotConversation, _ctx: ConvContext, orgId: number) {
  const kit = await makeKit(conversation, IMPORT_DIRECTORY_NAME);
  const { t } = kit;
  const org = await attempt(kit, () =>
    kit.call((_s, outer) => orgOverview(outer.deps.prisma, outer.actor, orgId)),
  );
  if (!org) return;
  const { slug, name } = org.value;

  let prompt = t("admin:import.ask", { org: name, slug, max: MAX_MB });
  for (;;) {
    const sent = await kit.askAny(prompt, (c) => c.message?.document !== undefined, {
      nav: ["cancel"],
      wrongKey: "admin:import.sendDocument",
    });
    if (sent.nav) return cancelled(kit, orgId);
    prompt = t("admin:import.askAgain");
    const doc = sent.value.message!.document!;
    const file = doc.file_name || "—";
    const format = directoryFileFormat(doc.file_name, doc.mime_type);
    if (!format) {
      await kit.say(t("admin:import.badType", { file }));
      continue;
    }
    if ((doc.file_size ?? 0) > MAX_DIRECTORY_FILE_BYTES) {
      const size = ((doc.file_size ?? 0) / 1024 / 1024).toFixed(1);
      await kit.say(t("admin:import.tooBig", { file, size, max: MAX_MB }));
      continue;
    }
    const fileId = doc.file_id;
    const outcome = await attempt(kit, () =>
      kit.call((_s, outer) => importFile(outer, { actor: outer.actor, slug, fileId, format, t })),
    );
    if (!outcome) continue;
    const result = outcome.value;
    if (result.status === "otherOrg") {
      await kit.say(t("admin:import.otherOrg", { file, slugs: result.slugs.join(", "), org: name, slug }));
      continue;
    }
    if (result.status === "invalid") {
      const lines = [t("admin:import.failed", { file, count: result.count }), ...result.lines];
      if (result.count > result.lines.length) {
        lines.push(t("admin:import.more", { count: result.count - result.lines.length }));
      }
      for (const text of chunkLines(lines)) await kit.say(text);
      continue;
    }
    const messages = chunkLines([t("admin:import.done", { file }), ...result.lines]);
    for (const [i, text] of messages.entries()) {
      await kit.say(text, i === messages.length - 1 ? [backToMenu(t, orgId)] : undefined);
    }
    return;
  }
}

export const importConversations = [
  createConversation<BotContext, ConvContext>(importConversation, IMPORT_DIRECTORY),
];
