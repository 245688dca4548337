import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Database.Database;

/** Ordered schema migrations; the index + 1 is the schema version kept in PRAGMA user_version. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE dead_letters (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     received_at INTEGER NOT NULL,
     reason TEXT NOT NULL,
     detail TEXT NOT NULL,
     topic TEXT NOT NULL,
     client_id TEXT,
     device_id TEXT,
     domain TEXT,
     batch_index INTEGER,
     payload TEXT NOT NULL,
     payload_bytes INTEGER NOT NULL,
     payload_truncated INTEGER NOT NULL
   );
   CREATE INDEX dead_letters_reason ON dead_letters (reason, id);
   CREATE INDEX dead_letters_device ON dead_letters (device_id, id);
   CREATE INDEX dead_letters_received ON dead_letters (received_at);
   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
   CREATE TABLE devices (
     device_id TEXT PRIMARY KEY,
     domain TEXT NOT NULL,
     client_id TEXT,
     online INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     last_reading_ts INTEGER,
     last_values TEXT NOT NULL,
     last_value_ts TEXT NOT NULL DEFAULT '{}',
     status_changed_at INTEGER NOT NULL
   );`,
];

/**
 * Opens (creating when missing) the embedded SQLite database and brings its schema up to date.
 * WAL with synchronous=NORMAL: a committed transaction survives a process crash; only an OS crash or power
 * loss can take the last few, which for dead letters and device state is an acceptable trade for speed.
 */
export function openSqliteDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let index = version; index < MIGRATIONS.length; index++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[index]);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
  return db;
}
