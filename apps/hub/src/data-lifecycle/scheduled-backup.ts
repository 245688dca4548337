import type { BackupConfig } from '@hub/config';
import type { HubLogger } from '@hub/common';
import { type Store, writeBackup } from '@hub/store';

/** 1,000 pages (4 MiB at SQLite's default page size) per step: a few milliseconds of the event loop each. */
const PAGES_PER_STEP = 1000;

/**
 * The hub backing itself up every HUB_BACKUP_EVERY into HUB_BACKUP_DIR: the writer of `npm run backup`, on the hub's
 * own connection (SQLite's backup API then also sees this connection's writes without restarting).
 */
export class ScheduledBackup {
  written = 0;
  failed = 0;
  /** Epoch ms of the last backup written, 0 for none. */
  lastWrittenAt = 0;

  constructor(
    /** On PostgreSQL there is nothing to copy here: its backups are the database's own (pg_dump, pgBackRest, a standby). */
    private readonly store: Store,
    private readonly dataDir: string,
    private readonly config: BackupConfig,
    private readonly environment: Readonly<Record<string, string>>,
    private readonly hubVersion: string,
    private readonly logger: HubLogger,
  ) {}

  async run(): Promise<void> {
    const source = this.store.sqlite;
    if (source === null) {
      this.failed++;
      this.logger.error({ msg: 'HUB_BACKUP_EVERY backs up the embedded SQLite database, and this hub keeps its state in PostgreSQL (HUB_DATABASE_URL): back that up with pg_dump or pgBackRest, and unset HUB_BACKUP_EVERY' });
      return;
    }
    try {
      // Holding the store's one connection for the whole copy: the backup steps between event-loop turns, and a
      // transaction of the hub open across an await on this same connection would otherwise be copied half-done.
      // Other statements wait meanwhile (a few seconds for a large county); the event loop does not.
      const result = await this.store.db.connection().execute(() =>
        writeBackup({
        source,
        dataDir: this.dataDir,
        root: this.config.dir,
        keep: this.config.keep,
        environment: this.environment,
        hubVersion: this.hubVersion,
        trigger: 'schedule',
        pagesPerStep: PAGES_PER_STEP,
        }),
      );
      this.written++;
      this.lastWrittenAt = Date.now();
      const bytes = result.manifest.files.reduce((sum, file) => sum + file.bytes, 0);
      this.logger.log({ msg: 'Backup written', folder: result.folder, bytes, schemaVersion: result.manifest.schemaVersion, deleted: result.deleted });
    } catch (error) {
      this.failed++;
      this.logger.error({ msg: 'The scheduled backup failed; the next one tries again', dir: this.config.dir, error });
    }
  }
}
