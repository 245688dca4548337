import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The file in the data folder whose lock says a hub (or a restore) is using the folder. */
export const LOCK_FILE = 'hub.lock';

export class DataFolderBusyError extends Error {
  constructor(readonly dataDir: string) {
    super(`The data folder ${dataDir} is in use by a running hub or restore (it holds ${join(dataDir, LOCK_FILE)})`);
    this.name = 'DataFolderBusyError';
  }
}

/**
 * Who uses a data folder, told by an operating-system lock rather than a pid file: a pid file outlives a `kill -9` or a
 * power cut and then names a dead process, or a live one that reused its number. The lock is SQLite's own (POSIX
 * advisory locks on a small database file, `locking_mode = EXCLUSIVE` after one write), which the kernel drops the
 * moment the process holding it ends, however it ends. A second hub on the same folder and a restore into a running
 * hub's folder are both refused by it.
 */
export class DataFolderLock {
  private constructor(
    private readonly db: Database.Database,
    readonly dataDir: string,
  ) {}

  /** Takes the folder's lock (creating the folder when missing) or throws DataFolderBusyError at once. */
  static acquire(dataDir: string, holder: string): DataFolderLock {
    mkdirSync(dataDir, { recursive: true });
    // timeout 0: a held lock is an answer, not something to wait for.
    const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
    try {
      // No journal file beside the lock (the holder row is worthless after a crash), set before the locking mode,
      // which would otherwise keep the journal it had.
      db.pragma('journal_mode = MEMORY');
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, pid INTEGER NOT NULL, since INTEGER NOT NULL)');
      // The write takes the EXCLUSIVE lock, and exclusive locking mode keeps it until the connection closes.
      db.prepare('INSERT OR REPLACE INTO holder (id, name, pid, since) VALUES (1, ?, ?, ?)').run(holder, process.pid, Date.now());
    } catch (error) {
      db.close();
      if (isBusy(error)) throw new DataFolderBusyError(dataDir);
      throw error;
    }
    return new DataFolderLock(db, dataDir);
  }

  /** Whether a live process holds the folder's lock now. */
  static isHeld(dataDir: string): boolean {
    const file = join(dataDir, LOCK_FILE);
    if (!existsSync(file)) return false;
    const db = new Database(file, { readonly: true, timeout: 0 });
    try {
      db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
      return false;
    } catch (error) {
      if (isBusy(error)) return true;
      throw error;
    } finally {
      db.close();
    }
  }

  release(): void {
    this.db.close();
  }
}

/** By code, not by class: better-sqlite3's SqliteError is not always the class this module sees (jest's module registry). */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
