/**
 * One process per PGlite folder: two processes on one folder corrupt it. The lock file
 * holds the owner's pid; a lock whose process is gone (killed) is reclaimed.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";

export class FolderLockedError extends Error {
  constructor(
    readonly lockPath: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database is in use by another albabot process (pid ${pid}, lock ${lockPath}). ` +
        "Stop that process, or set DATABASE_URL to run several instances on PostgreSQL.",
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireFolderLock(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
        process.off("exit", release);
      };
      process.on("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
      if (Number.isFinite(pid) && pid !== process.pid && alive(pid)) {
        throw new FolderLockedError(lockPath, pid);
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}
