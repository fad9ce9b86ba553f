/** The command lists shown by Telegram, in both languages. */
import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import { getI18n, LOCALES } from "../i18n.js";

const CITIZEN = ["start", "new", "my", "menu", "language", "help", "cancel"] as const;
const STAFF = ["menu", "report", "plan", "petitions", "new", "my", "language", "help", "cancel"] as const;

export function commandList(locale: string, staff = false): BotCommand[] {
  const t = getI18n().getFixedT(locale);
  return (staff ? STAFF : CITIZEN).map((command) => ({
    command,
    description: t(`common:commands.${command}`),
  }));
}

/** Registers the citizen command list as the default, in Mongolian and English. */
export async function registerCommands(api: Api): Promise<void> {
  await api.setMyCommands(commandList("mn"));
  for (const lng of LOCALES) {
    await api.setMyCommands(commandList(lng), { language_code: lng });
  }
}
