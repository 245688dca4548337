import { sql } from 'kysely';
import { AuditLogRepository } from './audit-log.repository';
import { copySqliteToPostgres, CopyMismatchError, TargetNotEmptyError, type TableCopy } from './copy-to-postgres';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database';
import { Store } from './store';
import { postgresTestDatabase } from './testing/test-stores';

/** A county's SQLite database with rows of every shape the copy must carry over exactly. */
function countyDatabase(): SqliteDatabase {
  const db = openSqliteDatabase(':memory:');
  const audit = db.prepare('INSERT INTO audit_log (at, actor, action, target_type, target_id, detail) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    // More rows than one insert batch and one read-back page.
    for (let index = 0; index < 6_200; index++) audit.run(1_700_000_000_000 + index, index % 3 === 0 ? 'Alice' : 'alice', 'device.update', 'device', `w-${index}`, JSON.stringify({ n: index, town: '城关镇' }));
    // Evicted rows: ids 1–3 are gone, the sequence remembers 12 ids were handed out, the last ones deleted too.
    const letter = db.prepare(
      'INSERT INTO dead_letters (received_at, reason, detail, topic, client_id, device_id, domain, batch_index, payload, payload_bytes, payload_truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (let index = 0; index < 12; index++) letter.run(1_000 + index, 'invalid-json', 'Unexpected token', 'water/w-1/telemetry', 'w-1', index % 2 === 0 ? 'w-1' : null, 'water', null, 'base64:AAEC/w==', 4, 0);
    db.prepare('DELETE FROM dead_letters WHERE id <= 3 OR id >= 11').run();
    db.prepare("INSERT INTO counters (name, value) VALUES ('dead_letters.invalid-json', 12), ('Readings', 9007199254740991)").run();
    db.prepare(
      "INSERT INTO catalogue_metrics (domain, metric, unit, description, range_min, range_max, typical_min, typical_max, \"integer\", retired_at, position, updated_at, updated_by) VALUES ('water', 'pressure', 'kPa', 'Pipe pressure', -1.7976931348623157e308, 1e6, 0.1, 0.30000000000000004, 0, NULL, 1, 5, 'admin')",
    ).run();
    db.prepare("INSERT INTO downsample_dirty (resolution, bucket_ms, version) VALUES ('1m', 60000, 2), ('1h', 3600000, 1), ('1m', 0, 5)").run();
  })();
  return db;
}

describe('copying an SQLite database into PostgreSQL (npm run db:migrate-to-postgres)', () => {
  let database: Awaited<ReturnType<typeof postgresTestDatabase>>;
  let target: Store;
  let source: SqliteDatabase;

  beforeEach(async () => {
    database = await postgresTestDatabase();
    target = await Store.postgres(database.url);
    source = countyDatabase();
  });
  afterEach(async () => {
    source.close();
    await target.close();
    await database.drop();
  });

  it('copies every table with its ids, checks counts and checksums, and continues each id after the highest SQLite ever gave', async () => {
    const seen: TableCopy[] = [];
    const report = await copySqliteToPostgres(source, target, (copy) => seen.push(copy));
    expect(report.tables).toHaveLength(43);
    expect(seen).toEqual(report.tables);
    const byTable = new Map(report.tables.map((copy) => [copy.table, copy]));
    expect(byTable.get('audit_log')).toMatchObject({ rows: 6_200, nextId: 6_201 });
    expect(byTable.get('dead_letters')).toMatchObject({ rows: 7, nextId: 13 });
    expect(byTable.get('counters')?.rows).toBe(2);
    expect(byTable.get('downsample_dirty')?.rows).toBe(3);
    expect(byTable.get('alerts')).toMatchObject({ rows: 0, nextId: 1 });
    expect(report.rows).toBe(6_200 + 7 + 2 + 1 + 3);
    for (const copy of report.tables) expect(copy.checksum).toMatch(/^[0-9a-f]{64}$/);

    // What the hub reads is the same on both sides: newest audit entries, with their ids.
    const audit = new AuditLogRepository(null);
    const sqliteStore = Store.sqlite(source);
    expect(await audit.list({ limit: 50, actor: 'Alice' }, target.db)).toEqual(await audit.list({ limit: 50, actor: 'Alice' }, sqliteStore.db));
    const metric = await target.db.selectFrom('catalogue_metrics').selectAll().executeTakeFirstOrThrow();
    expect([metric.range_min, metric.typical_max, metric.integer]).toEqual([-1.7976931348623157e308, 0.30000000000000004, 0]);
    const { rows: counters } = await sql<{ name: string; value: number }>`SELECT name, value FROM counters ORDER BY name`.execute(target.db);
    expect(counters).toEqual([
      { name: 'Readings', value: 9007199254740991 },
      { name: 'dead_letters.invalid-json', value: 12 },
    ]);
    // The next dead letter gets id 13, as it would have on SQLite (evicted ids are never handed out again).
    const next = await target.db
      .insertInto('dead_letters')
      .values({ received_at: 1, reason: 'invalid-json', detail: '', topic: 't', client_id: null, device_id: null, domain: null, batch_index: null, payload: '', payload_bytes: 0, payload_truncated: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(next.id).toBe(13);
  });

  it('refuses a target that holds hub rows, writing nothing', async () => {
    await target.db.insertInto('counters').values({ name: 'left over', value: 1 }).execute();
    const refusal = copySqliteToPostgres(source, target);
    await expect(refusal).rejects.toThrow(TargetNotEmptyError);
    await expect(refusal).rejects.toThrow('the PostgreSQL database already holds hub data (counters: 1); copy into an empty database');
    const { n } = await target.db.selectFrom('audit_log').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(n).toBe(0);
  });

  it('rolls the whole copy back when a table does not read back as written', async () => {
    // A target that changes what it stores (here a trigger; in life a wrong encoding or a lossy column type).
    await sql`CREATE FUNCTION hub_test_mangle() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.value := NEW.value + 1; RETURN NEW; END $$`.execute(target.db);
    await sql`CREATE TRIGGER mangle BEFORE INSERT ON counters FOR EACH ROW EXECUTE FUNCTION hub_test_mangle()`.execute(target.db);
    const copy = copySqliteToPostgres(source, target);
    await expect(copy).rejects.toThrow(CopyMismatchError);
    await expect(copy).rejects.toThrow(/^counters: SQLite has 2 rows \(sha256 [0-9a-f]{64}\), PostgreSQL read back 2 \(sha256 [0-9a-f]{64}\); nothing was copied$/);
    // dead_letters comes before counters: copied, then rolled back with the rest.
    const { n } = await target.db.selectFrom('dead_letters').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(n).toBe(0);
  });
});
