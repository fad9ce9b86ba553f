/**
 * Keeping the sandbox's chats, the files sent in them, what each persona has read and the
 * clock offset across restarts: a JSON file and a folder of files in the state folder.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../logger.js";
import type { BotApiEmulator, EmulatorSnapshot } from "./bot-api-emulator.js";
import { restoreOffset, type SandboxClock, savedOffset } from "./clock.js";

interface SavedState {
  emulator: EmulatorSnapshot;
  readUpTo: [string, number][];
  clockOffsetMs: number;
}

export class SavedChats {
  private readonly savedFiles = new Set<string>();
  private saveTimer: NodeJS.Timeout | null = null;
  private closed = false;

  /** `stateDir` undefined: nothing is kept (memory only). */
  constructor(
    private readonly stateDir: string | undefined,
    private readonly emulator: BotApiEmulator,
    private readonly readUpTo: Map<string, number>,
    private readonly clock: SandboxClock,
    private readonly logger: Logger,
  ) {}

  private get stateFile(): string | null {
    return this.stateDir ? path.join(this.stateDir, "chats.json") : null;
  }

  private get filesDir(): string | null {
    return this.stateDir ? path.join(this.stateDir, "files") : null;
  }

  restore(): void {
    const file = this.stateFile;
    if (!file || !existsSync(file)) return;
    try {
      const saved = JSON.parse(readFileSync(file, "utf8")) as SavedState;
      this.emulator.restore(saved.emulator, (fileId) => {
        const p = path.join(this.filesDir!, fileId);
        if (!existsSync(p)) return undefined;
        this.savedFiles.add(fileId);
        return readFileSync(p);
      });
      for (const [id, n] of saved.readUpTo) this.readUpTo.set(id, n);
      restoreOffset(this.clock, saved.clockOffsetMs);
    } catch (err) {
      this.logger.warn(
        { err: String(err), file },
        "sandbox: saved chats unreadable, starting with empty chats",
      );
    }
  }

  /** Saves a moment later (many changes come in a burst). */
  schedule(): void {
    if (!this.stateFile || this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.save();
    }, 300);
    this.saveTimer.unref();
  }

  /** No more saves are scheduled (the sandbox is closing). */
  stop(): void {
    this.closed = true;
  }

  /** Saves what is still waiting to be saved. */
  flush(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.save();
    }
  }

  private save(): void {
    const file = this.stateFile;
    const dir = this.filesDir;
    if (!file || !dir) return;
    try {
      mkdirSync(dir, { recursive: true });
      for (const f of this.emulator.files.values()) {
        if (this.savedFiles.has(f.fileId)) continue;
        writeFileSync(path.join(dir, f.fileId), f.data);
        this.savedFiles.add(f.fileId);
      }
      const state: SavedState = {
        emulator: this.emulator.snapshot(),
        readUpTo: [...this.readUpTo],
        clockOffsetMs: savedOffset(this.clock),
      };
      writeFileSync(`${file}.tmp`, JSON.stringify(state));
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.logger.warn({ err: String(err) }, "sandbox: could not save the chats");
    }
  }

  remove(): void {
    if (this.stateFile) rmSync(this.stateFile, { force: true });
    if (this.filesDir) rmSync(this.filesDir, { recursive: true, force: true });
    this.savedFiles.clear();
  }
}
