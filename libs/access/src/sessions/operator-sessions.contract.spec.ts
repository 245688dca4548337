import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { AccessFixture, ADMIN, MINUTE, refusalOf, T0 } from '../testing/access-fixtures';
import { OperatorRepository } from '../operators/operator.repository';
import { OperatorSessions } from './operator-sessions';
import { hashToken } from './session-token';
import { SessionRepository, StoredSession } from './session.repository';

describe.each(TEST_STORES)('OperatorSessions on %s', (_dialect, open) => {
  let test: TestStore;
  let access: AccessFixture;

  beforeEach(async () => {
    test = await open();
    access = new AccessFixture(test.store);
    await access.operators.create({ username: 'dana', password: 'a long enough passphrase', role: 'operator', towns: ['Ashford'] }, ADMIN);
  });

  afterEach(async () => {
    await access.close();
    await test.dispose();
  });

  const sessionRows = () => access.store.db.selectFrom('operator_sessions').selectAll().orderBy('token_hash').execute();

  it('gives a session as the operator is now: role and scope changes apply to open sessions', async () => {
    const { token, expiresAt, idleExpiresAt } = await access.sessions.start('dana');
    expect([expiresAt, idleExpiresAt]).toEqual([T0 + 480 * MINUTE, T0 + 30 * MINUTE]);
    expect((await access.sessions.resolve(token))?.principal).toEqual({ kind: 'operator', name: 'dana', role: 'operator', scope: { towns: ['Ashford'], domains: [] } });
    await access.operators.update('dana', { role: 'viewer', towns: ['Brook'] }, ADMIN);
    expect((await access.sessions.resolve(token))?.principal).toMatchObject({ role: 'viewer', scope: { towns: ['Brook'] } });
  });

  it('slides the idle end with use, but never past the absolute end', async () => {
    const { token } = await access.sessions.start('dana');
    for (let minute = 20; minute <= 460; minute += 20) {
      access.now = T0 + minute * MINUTE;
      expect((await access.sessions.resolve(token))?.times.idleExpiresAt).toBe(Math.min(T0 + (minute + 30) * MINUTE, T0 + 480 * MINUTE));
    }
    access.now = T0 + 480 * MINUTE;
    expect(await access.sessions.resolve(token)).toBeNull();
    // An ended session is deleted, not merely refused.
    expect(await sessionRows()).toEqual([]);
  });

  it('ends a session unused for the idle timeout; a check without touching does not keep it alive', async () => {
    const { token } = await access.sessions.start('dana');
    access.now = T0 + 29 * MINUTE;
    expect(await access.sessions.resolve(token, { touch: false })).not.toBeNull();
    access.now = T0 + 30 * MINUTE;
    expect(await access.sessions.resolve(token)).toBeNull();
  });

  it('writes last-seen at most once a minute (not on every request)', async () => {
    const { token } = await access.sessions.start('dana');
    const lastSeen = async () => (await sessionRows())[0].last_seen_at;
    access.now = T0 + 30_000;
    await access.sessions.resolve(token);
    expect(await lastSeen()).toBe(T0);
    access.now = T0 + 61_000;
    await access.sessions.resolve(token);
    expect(await lastSeen()).toBe(T0 + 61_000);
  });

  it('stores only the token’s SHA-256, refuses made-up tokens, and ends sessions one by one or per operator', async () => {
    const first = await access.sessions.start('dana');
    const second = await access.sessions.start('dana');
    const stored = (await sessionRows()).map((row) => row.token_hash);
    expect(stored).toEqual([hashToken(first.token), hashToken(second.token)].sort());
    expect(stored.some((hash) => hash.includes(first.token))).toBe(false);
    expect(await access.sessions.resolve('x'.repeat(43))).toBeNull();
    expect(await access.sessions.resolve('not a token; drop table')).toBeNull();
    expect(await access.sessions.endAllFor('dana', second.token)).toBe(1);
    expect(await access.sessions.resolve(first.token)).toBeNull();
    expect(await access.sessions.end(second.token)).toBe('dana');
    expect(await access.sessions.resolve(second.token)).toBeNull();
  });

  it('refuses the sessions of a disabled operator', async () => {
    const { token } = await access.sessions.start('dana');
    await access.operators.update('dana', { disabled: true }, ADMIN);
    expect(await access.sessions.resolve(token)).toBeNull();
  });

  it('sweeps ended sessions from the table', async () => {
    await access.sessions.start('dana');
    access.now = T0 + 10 * MINUTE;
    await access.sessions.start('dana');
    access.now = T0 + 35 * MINUTE;
    expect(await access.sessions.prune()).toBe(1);
    expect(await access.sessions.countFor('dana')).toBe(1);
  });
});

describe.each(TEST_STORES)('SessionRepository on %s', (dialect, open) => {
  let test: TestStore;
  let sessions: SessionRepository;
  let operators: OperatorRepository;
  const session = (tokenHash: string, change: Partial<StoredSession> = {}): StoredSession => ({ tokenHash, username: 'dana', createdAt: T0, expiresAt: T0 + 480 * MINUTE, lastSeenAt: T0, ...change });

  beforeEach(async () => {
    test = await open();
    sessions = new SessionRepository(test.store);
    operators = new OperatorRepository(test.store);
    for (const username of ['dana', 'sam']) {
      await operators.insert({ username, passwordHash: 'x', role: 'operator', scope: { towns: ['城关镇', 'Ashford/Millbrook'], domains: ['water'] }, disabled: false, createdAt: T0, createdBy: 'admin', updatedAt: T0 });
    }
  });
  afterEach(() => test.dispose());

  it('finds a session with its operator as they are now: role, scope (JSON, unicode) and disabled', async () => {
    await sessions.insert(session('h1'));
    expect(await sessions.find('h1')).toEqual({ ...session('h1'), role: 'operator', towns: ['城关镇', 'Ashford/Millbrook'], domains: ['water'], disabled: false });
    await operators.update('dana', { role: 'viewer', scope: { towns: [], domains: ['gas', 'heat'] }, disabled: true, updatedAt: T0 + 1 });
    expect(await sessions.find('h1')).toMatchObject({ role: 'viewer', towns: [], domains: ['gas', 'heat'], disabled: true });
    expect(await sessions.find('H1')).toBeUndefined();
  });

  it('refuses a session of an operator who does not exist (foreign key)', async () => {
    expect(await refusalOf(sessions.insert(session('h1', { username: 'nobody' })))).toMatch(
      dialect === 'sqlite' ? /^FOREIGN KEY constraint failed$/ : /^insert or update on table "operator_sessions" violates foreign key constraint "operator_sessions_username_fkey"$/,
    );
    expect(await sessions.find('h1')).toBeUndefined();
  });

  it('touches last-seen, deletes one session once, and ends an operator’s sessions but the one kept', async () => {
    await sessions.insert(session('h1'));
    await sessions.insert(session('h2'));
    await sessions.insert(session('h3'));
    await sessions.insert(session('s1', { username: 'sam' }));
    await sessions.touch('h1', T0 + 5 * MINUTE);
    expect((await sessions.find('h1'))?.lastSeenAt).toBe(T0 + 5 * MINUTE);
    expect(await sessions.delete('h1')).toBe(true);
    expect(await sessions.delete('h1')).toBe(false);
    expect(await sessions.deleteForUser('dana', 'h3')).toBe(1);
    expect([await sessions.find('h2'), (await sessions.find('h3'))?.tokenHash, (await sessions.find('s1'))?.tokenHash]).toEqual([undefined, 'h3', 's1']);
    expect(await sessions.deleteForUser('dana')).toBe(1);
    expect(await sessions.deleteForUser('dana')).toBe(0);
  });

  it('sweeps sessions at or past their absolute end, or last seen at or before the idle cutoff; keeps one seen a ms after', async () => {
    const now = T0 + 100 * MINUTE;
    const idleBefore = now - 30 * MINUTE;
    await sessions.insert(session('absolute-end-now', { expiresAt: now, lastSeenAt: now }));
    await sessions.insert(session('absolute-end-next-ms', { expiresAt: now + 1, lastSeenAt: now }));
    await sessions.insert(session('seen-at-cutoff', { lastSeenAt: idleBefore }));
    await sessions.insert(session('seen-after-cutoff', { lastSeenAt: idleBefore + 1 }));
    expect(await sessions.deleteExpired(now, idleBefore)).toBe(2);
    const left = await test.store.db.selectFrom('operator_sessions').select('token_hash').orderBy('token_hash').execute();
    expect(left.map((row) => row.token_hash)).toEqual(['absolute-end-next-ms', 'seen-after-cutoff']);
    expect(await sessions.deleteExpired(now, idleBefore)).toBe(0);
  });

  it('counts live sessions per operator with the same bounds the sweep uses', async () => {
    const now = T0 + 100 * MINUTE;
    const idleSince = now - 30 * MINUTE;
    await sessions.insert(session('live', { lastSeenAt: idleSince + 1 }));
    await sessions.insert(session('idle', { lastSeenAt: idleSince }));
    await sessions.insert(session('ended', { expiresAt: now, lastSeenAt: now }));
    await sessions.insert(session('sam-live', { username: 'sam', lastSeenAt: now }));
    await sessions.insert(session('sam-live-2', { username: 'sam', lastSeenAt: now, expiresAt: now + 1 }));
    expect(await sessions.countFor('dana', idleSince, now)).toBe(1);
    expect(await sessions.countFor('sam', idleSince, now)).toBe(2);
    expect(await sessions.countFor('nobody', idleSince, now)).toBe(0);
    expect(await sessions.countLive(idleSince, now)).toEqual(new Map([['dana', 1], ['sam', 2]]));
  });
});

describe.each(TEST_STORES)('OperatorSessions sliding expiry on %s', (_dialect, open) => {
  let test: TestStore;
  let access: AccessFixture;

  beforeEach(async () => {
    test = await open();
    access = new AccessFixture(test.store);
    await access.operators.create({ username: 'dana', password: 'a long enough passphrase', role: 'operator' }, ADMIN);
  });
  afterEach(async () => {
    await access.close();
    await test.dispose();
  });

  const lastSeen = async () => (await access.store.db.selectFrom('operator_sessions').select('last_seen_at').executeTakeFirstOrThrow()).last_seen_at;

  it('writes last-seen once a full minute has passed, not a millisecond before', async () => {
    const { token } = await access.sessions.start('dana');
    access.now = T0 + 59_999;
    expect((await access.sessions.resolve(token))?.times.idleExpiresAt).toBe(T0 + 30 * MINUTE);
    expect(await lastSeen()).toBe(T0);
    access.now = T0 + 60_000;
    expect((await access.sessions.resolve(token))?.times.idleExpiresAt).toBe(T0 + 60_000 + 30 * MINUTE);
    expect(await lastSeen()).toBe(T0 + 60_000);
  });

  it('with a short idle timeout, writes last-seen every tenth of it, so the idle end never lags by more', async () => {
    const quick = new OperatorSessions(access.sessionRepository, { idleMs: 5 * MINUTE, maxAgeMs: 60 * MINUTE }, access.clock);
    const { token } = await quick.start('dana');
    access.now = T0 + 29_999;
    await quick.resolve(token);
    expect(await lastSeen()).toBe(T0);
    access.now = T0 + 30_000;
    await quick.resolve(token);
    expect(await lastSeen()).toBe(T0 + 30_000);
    // Idle end from the last write: 30 s + 5 min; a check a millisecond before it still finds the session.
    access.now = T0 + 30_000 + 5 * MINUTE - 1;
    expect(await quick.resolve(token, { touch: false })).not.toBeNull();
    access.now = T0 + 30_000 + 5 * MINUTE;
    expect(await quick.resolve(token, { touch: false })).toBeNull();
  });

  it('ends at the absolute end however recently used, and the idle end is never reported past it', async () => {
    const { token } = await access.sessions.start('dana');
    access.now = T0 + 470 * MINUTE;
    // Used every 10 minutes until then: kept alive by use, not by the absolute end.
    await access.store.db.updateTable('operator_sessions').set({ last_seen_at: T0 + 460 * MINUTE }).execute();
    expect((await access.sessions.resolve(token))?.times).toEqual({ expiresAt: T0 + 480 * MINUTE, idleExpiresAt: T0 + 480 * MINUTE });
    access.now = T0 + 480 * MINUTE - 1;
    expect(await access.sessions.resolve(token)).not.toBeNull();
    access.now = T0 + 480 * MINUTE;
    expect(await access.sessions.resolve(token)).toBeNull();
    expect(await access.store.db.selectFrom('operator_sessions').selectAll().execute()).toEqual([]);
  });

  it('sweeps what resolve would refuse and counts what it would accept, at the idle end’s very millisecond too', async () => {
    await access.sessions.start('dana');
    access.now = T0 + 20 * MINUTE;
    const recent = await access.sessions.start('dana');
    access.now = T0 + 30 * MINUTE;
    expect(await access.sessions.countFor('dana')).toBe(1);
    expect(await access.sessions.countLive()).toEqual(new Map([['dana', 1]]));
    expect(await access.sessions.prune()).toBe(1);
    expect((await access.sessions.resolve(recent.token))?.principal.name).toBe('dana');
    expect((await access.operators.get('dana', ADMIN)).sessions).toBe(1);
    expect((await access.operators.list(ADMIN)).map((view) => [view.username, view.sessions])).toEqual([['dana', 1]]);
  });
});
