import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { AccessFixture, ADMIN, MINUTE, T0 } from '../testing/access-fixtures';
import { hashToken } from './session-token';

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
