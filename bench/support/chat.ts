/**
 * A user's side of a chat for the benchmarks: builds Telegram updates for
 * `bot.handleUpdate`, with the Bot API emulator holding what the bot sent.
 */
import type { Message, Update, User } from "grammy/types";
import { type BotApiEmulator, EMULATED_BOT } from "../../src/sandbox/bot-api-emulator.js";

/** One user's chat: builds updates and reads the bot's last message id for button presses. */
export class BenchChat {
  private seq = 0;
  constructor(
    private readonly emulator: BotApiEmulator,
    private readonly user: User,
  ) {}

  private base(): Omit<Message, "text"> {
    return {
      message_id: ++this.seq,
      date: 1_773_100_000,
      chat: { id: this.user.id, type: "private", first_name: this.user.first_name },
      from: this.user,
    } as Omit<Message, "text">;
  }

  text(text: string): Update {
    const entities = text.startsWith("/")
      ? [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]!.length }]
      : undefined;
    return this.emulator.makeUpdate({
      message: { ...this.base(), text, ...(entities ? { entities } : {}) } as never,
    });
  }

  contact(phone: string): Update {
    return this.emulator.makeUpdate({
      message: {
        ...this.base(),
        contact: { phone_number: phone, first_name: this.user.first_name, user_id: this.user.id },
      } as never,
    });
  }

  press(data: string): Update {
    const last = this.emulator.messages(this.user.id).at(-1);
    return this.emulator.makeUpdate({
      callback_query: {
        id: `cb${this.user.id}-${++this.seq}`,
        from: this.user,
        chat_instance: `ci${this.user.id}`,
        data,
        message: { ...this.base(), message_id: last?.messageId ?? 1, from: EMULATED_BOT } as Message,
      },
    });
  }

  /** Presses the button whose label starts with `label` on the bot's latest message that has one. */
  pressLabel(label: string): Update {
    const withButtons = this.emulator.messages(this.user.id).filter((m) => m.from === "bot" && m.buttons);
    const button = withButtons
      .at(-1)
      ?.buttons?.flat()
      .find((b) => b.text.startsWith(label));
    if (!button?.data) throw new Error(`No button «${label}»; the chat ends with: ${this.lastText()}`);
    return this.press(button.data);
  }

  lastText(): string {
    return this.emulator.messages(this.user.id).at(-1)?.text ?? "";
  }
}
