import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@hub/common/testing';
import { AuditLogRepository, MIGRATIONS, openSqliteDatabase, type SqliteDatabase } from '@hub/store';
import { CountyStandards } from './county-standards';
import { StandardsProfileRepository } from './standards-profile.repository';

describe('CountyStandards', () => {
  let db: SqliteDatabase;
  let repository: StandardsProfileRepository;
  let audit: AuditLogRepository;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    repository = new StandardsProfileRepository(db);
    audit = new AuditLogRepository(db);
  });

  afterEach(() => db.close());

  it('stores and audits the profile wanted at the first start', () => {
    const logger = new RecordingLogger();
    const standards = new CountyStandards(repository, { profile: 'cn', source: 'time zone' }, audit, logger, 1000);
    expect(standards.current).toEqual({ profile: 'cn', chosenAt: 1000, chosenBy: 'system' });
    expect(repository.get()).toEqual({ profile: 'cn', chosenAt: 1000, chosenBy: 'system' });
    expect(audit.list({ limit: 1 })[0]).toMatchObject({ actor: 'system', action: 'standards-profile.choose', targetId: 'cn', detail: { profile: 'cn', source: 'time zone' } });
    expect(logger.entries).toEqual([{ level: 'log', message: { msg: 'Standards profile chosen at first start', profile: 'cn', from: 'time zone' } }]);
  });

  it('keeps the stored profile when a later start asks for another, and warns how to change it', () => {
    new CountyStandards(repository, { profile: 'cn', source: 'HUB_STANDARDS_PROFILE' }, audit, new RecordingLogger(), 1000);
    const logger = new RecordingLogger();
    const restarted = new CountyStandards(repository, { profile: 'eu', source: 'HUB_STANDARDS_PROFILE' }, audit, logger, 2000);
    expect(restarted.current.profile).toBe('cn');
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: expect.objectContaining({
          msg: 'HUB_STANDARDS_PROFILE=eu is ignored: the county keeps cn, chosen 1970-01-01T00:00:01.000Z by system; an admin changes it with PUT /api/standards-profile',
        }),
      },
    ]);
  });

  it('does not warn when the profile was only derived from the zone or locale', () => {
    new CountyStandards(repository, { profile: 'eu', source: 'default' }, audit, new RecordingLogger(), 1000);
    const logger = new RecordingLogger();
    expect(new CountyStandards(repository, { profile: 'cn', source: 'time zone' }, audit, logger, 2000).current.profile).toBe('eu');
    expect(logger.entries.map((entry) => entry.level)).toEqual(['log']);
  });


  it('keeps eu for a database that already held a hub’s data when the profile table arrived, and lets a fresh one choose', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standards-profile-'));
    try {
      // The schema just before the migration (found by what it creates, wherever it stands in the list).
      const migration = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE standards_profile'));
      const running = openSqliteDatabase(join(dir, 'running.db'), migration);
      running.prepare("INSERT INTO alert_settings (key, value) VALUES ('default-rules-loaded', '2026-11-01T00:00:00.000Z')").run();
      running.close();
      openSqliteDatabase(join(dir, 'unused.db'), migration).close();

      const upgraded = openSqliteDatabase(join(dir, 'running.db'));
      expect(new StandardsProfileRepository(upgraded).get()).toMatchObject({ profile: 'eu', chosenBy: 'system' });
      const logger = new RecordingLogger();
      expect(new CountyStandards(new StandardsProfileRepository(upgraded), { profile: 'cn', source: 'time zone' }, new AuditLogRepository(upgraded), logger).current.profile).toBe('eu');
      upgraded.close();
      const unused = openSqliteDatabase(join(dir, 'unused.db'));
      expect(new StandardsProfileRepository(unused).get()).toBeUndefined();
      unused.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
