import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingLogger } from '@hub/common/testing';
import { AuditLogRepository, MIGRATIONS, openSqliteDatabase, Store } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { CountyStandards } from './county-standards';
import { StandardsProfileRepository } from './standards-profile.repository';

describe('CountyStandards', () => {
  let test: TestStore;
  let repository: StandardsProfileRepository;
  const audit = new AuditLogRepository(null);

  beforeEach(async () => {
    test = await sqliteTestStore();
    repository = new StandardsProfileRepository(test.store);
  });

  afterEach(() => test.dispose());

  it('stores and audits the profile wanted at the first start', async () => {
    const logger = new RecordingLogger();
    const standards = await CountyStandards.open(test.store, repository, { profile: 'cn', source: 'time zone' }, audit, logger, 1000);
    expect(standards.current).toEqual({ profile: 'cn', chosenAt: 1000, chosenBy: 'system' });
    expect(await repository.get()).toEqual({ profile: 'cn', chosenAt: 1000, chosenBy: 'system' });
    expect((await audit.list({ limit: 1 }, test.store.db))[0]).toMatchObject({ actor: 'system', action: 'standards-profile.choose', targetId: 'cn', detail: { profile: 'cn', source: 'time zone' } });
    expect(logger.entries).toEqual([{ level: 'log', message: { msg: 'Standards profile chosen at first start', profile: 'cn', from: 'time zone' } }]);
  });

  it('keeps the stored profile when a later start asks for another, and warns how to change it', async () => {
    await CountyStandards.open(test.store, repository, { profile: 'cn', source: 'HUB_STANDARDS_PROFILE' }, audit, new RecordingLogger(), 1000);
    const logger = new RecordingLogger();
    const restarted = await CountyStandards.open(test.store, repository, { profile: 'eu', source: 'HUB_STANDARDS_PROFILE' }, audit, logger, 2000);
    expect(restarted.current.profile).toBe('cn');
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        message: expect.objectContaining({
          msg: 'HUB_STANDARDS_PROFILE=eu is ignored: the county keeps cn, chosen 1970-01-01T00:00:01.000Z by system; an admin changes it with PUT /api/standards-profile',
        }),
      },
    ]);
    expect((await audit.list({ limit: 10 }, test.store.db)).map((entry) => entry.action)).toEqual(['standards-profile.choose']);
  });

  it('does not warn when the profile was only derived from the zone or locale', async () => {
    await CountyStandards.open(test.store, repository, { profile: 'eu', source: 'default' }, audit, new RecordingLogger(), 1000);
    const logger = new RecordingLogger();
    expect((await CountyStandards.open(test.store, repository, { profile: 'cn', source: 'time zone' }, audit, logger, 2000)).current.profile).toBe('eu');
    expect(logger.entries.map((entry) => entry.level)).toEqual(['log']);
  });

  it('changes the profile in memory only once the transaction that stored it commits', async () => {
    const standards = await CountyStandards.open(test.store, repository, { profile: 'eu', source: 'default' }, audit, new RecordingLogger(), 1000);
    await expect(
      test.store.tx(async (tx) => {
        await standards.change({ profile: 'cn', chosenAt: 2000, chosenBy: 'ada' }, tx);
        expect(standards.current.profile).toBe('eu');
        expect(await standards.read(tx.exec)).toEqual({ profile: 'cn', chosenAt: 2000, chosenBy: 'ada' });
        throw new Error('the rules failed');
      }),
    ).rejects.toThrow('the rules failed');
    expect(standards.current.profile).toBe('eu');
    expect(await repository.get()).toEqual({ profile: 'eu', chosenAt: 1000, chosenBy: 'system' });
    await test.store.tx((tx) => standards.change({ profile: 'cn', chosenAt: 3000, chosenBy: 'ada' }, tx));
    expect(standards.current).toEqual({ profile: 'cn', chosenAt: 3000, chosenBy: 'ada' });
  });

  it('takes the synchronous writes made on the shared SQLite handle inside its transaction (the default rules, until they move to the store) along with it', async () => {
    const standards = await CountyStandards.open(test.store, repository, { profile: 'eu', source: 'default' }, audit, new RecordingLogger(), 1000);
    const handle = test.store.sqlite;
    if (handle === null) throw new Error('an SQLite store has its handle');
    // What AlertRuleRepository.transaction does today: better-sqlite3 nests it as a savepoint of the open transaction.
    const ruleWrite = handle.transaction(() => handle.prepare("INSERT INTO alert_settings (key, value) VALUES ('default-pack', 'cn')").run());
    const settings = () => handle.prepare('SELECT key, value FROM alert_settings').all();
    await expect(
      test.store.tx(async (tx) => {
        ruleWrite();
        await standards.change({ profile: 'cn', chosenAt: 2000, chosenBy: 'ada' }, tx);
        throw new Error('the audit entry failed');
      }),
    ).rejects.toThrow('the audit entry failed');
    expect(settings()).toEqual([]);
    await test.store.tx(async (tx) => {
      ruleWrite();
      await standards.change({ profile: 'cn', chosenAt: 2000, chosenBy: 'ada' }, tx);
    });
    expect(settings()).toEqual([{ key: 'default-pack', value: 'cn' }]);
    expect(await repository.get()).toEqual({ profile: 'cn', chosenAt: 2000, chosenBy: 'ada' });
  });

  it('keeps eu for a database that already held a hub’s data when the profile table arrived, and lets a fresh one choose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standards-profile-'));
    try {
      // The schema just before the migration (found by what it creates, wherever it stands in the list).
      const migration = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE standards_profile'));
      const running = openSqliteDatabase(join(dir, 'running.db'), migration);
      running.prepare("INSERT INTO alert_settings (key, value) VALUES ('default-rules-loaded', '2026-11-01T00:00:00.000Z')").run();
      running.close();
      openSqliteDatabase(join(dir, 'unused.db'), migration).close();

      const upgraded = Store.sqlite(join(dir, 'running.db'));
      expect(await new StandardsProfileRepository(upgraded).get()).toMatchObject({ profile: 'eu', chosenBy: 'system' });
      const logger = new RecordingLogger();
      expect((await CountyStandards.open(upgraded, new StandardsProfileRepository(upgraded), { profile: 'cn', source: 'time zone' }, audit, logger)).current.profile).toBe('eu');
      await upgraded.close();
      const unused = Store.sqlite(join(dir, 'unused.db'));
      expect(await new StandardsProfileRepository(unused).get()).toBeUndefined();
      await unused.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
