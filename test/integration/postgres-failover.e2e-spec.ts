import { sql } from 'kysely';
import { Store } from '@hub/store';
import { PostgresProcess } from '../harness/postgres-process';

/**
 * HUB_DATABASE_URL with both members of a primary + synchronous standby pair and target_session_attrs=read-write: the store must
 * write to the primary whatever the order of the hosts (postgres.js alone would settle on a standby, porsager/postgres#815),
 * and after the primary dies and the standby is promoted, the next statements go to the new primary without a restart.
 */
describe('the store on a primary + hot standby pair (real PostgreSQL 15)', () => {
  let primary: PostgresProcess;
  let standby: PostgresProcess;
  let store: Store | undefined;

  beforeAll(async () => {
    primary = await PostgresProcess.start();
    await primary.createDatabase({ name: 'hub' });
    standby = await primary.startStandby();
    await primary.requireSynchronousStandby();
  });
  afterAll(async () => {
    await store?.close();
    await standby?.cleanup();
    await primary?.cleanup();
  });

  it('writes to the primary though the standby is listed first, and follows the promoted standby after the primary dies', async () => {
    const url = `postgres://hub@127.0.0.1:${standby.port},127.0.0.1:${primary.port}/hub?target_session_attrs=read-write`;
    store = await Store.postgres(url);
    const write = (name: string) => store!.db.insertInto('counters').values({ name, value: 1 }).execute();
    await write('before failover');
    const serverPort = async () => (await sql<{ port: string }>`SELECT current_setting('port') AS port`.execute(store!.db)).rows[0].port;
    expect(await serverPort()).toBe(String(primary.port));

    // The standby has the row (streamed), and refuses writes itself.
    const direct = await Store.postgres(`postgres://hub@127.0.0.1:${standby.port}/hub`).then(
      async (opened) => {
        await opened.close();
        return 'opened';
      },
      (error: Error) => error.message,
    );
    expect(direct).toBe('HUB_DATABASE_URL leads to a read-only PostgreSQL server (a standby?): the hub needs the primary');

    await primary.kill();
    const killedAt = Date.now();
    await standby.promote();
    // Statements on connections to the dead primary fail; the pool then connects again, to the new primary.
    const failed: string[] = [];
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await write('after failover');
        break;
      } catch (error) {
        failed.push((error as Error).message);
        if (Date.now() > deadline) throw new Error(`no write reached the promoted standby in 30 s; ${failed.length} failed: ${[...new Set(failed)].join(' | ')}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    console.log(`failover: primary killed, standby promoted; ${failed.length} statements failed (${[...new Set(failed)].join(' | ')}); first write on the new primary ${Date.now() - killedAt} ms after the kill`);
    // At most a few statements fail while the pool finds the new primary (each says why: no silent loss).
    expect(failed.length).toBeLessThan(50);
    expect(await serverPort()).toBe(String(standby.port));
    const { rows } = await sql<{ name: string }>`SELECT name FROM counters ORDER BY name`.execute(store.db);
    expect(rows.map((row) => row.name)).toEqual(['after failover', 'before failover']);
  });
});
