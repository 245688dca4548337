import { AccessFixture, ADMIN, MINUTE, T0 } from '../testing/access-fixtures';
import { hashToken } from './session-token';

describe('OperatorSessions', () => {
  let access: AccessFixture;

  beforeEach(async () => {
    access = new AccessFixture();
    await access.operators.create({ username: 'dana', password: 'a long enough passphrase', role: 'operator', towns: ['Ashford'] }, ADMIN);
  });

  afterEach(() => access.close());

  it('gives a session as the operator is now: role and scope changes apply to open sessions', async () => {
    const { token, expiresAt, idleExpiresAt } = access.sessions.start('dana');
    expect([expiresAt, idleExpiresAt]).toEqual([T0 + 480 * MINUTE, T0 + 30 * MINUTE]);
    expect(access.sessions.resolve(token)?.principal).toEqual({ kind: 'operator', name: 'dana', role: 'operator', scope: { towns: ['Ashford'], domains: [] } });
    await access.operators.update('dana', { role: 'viewer', towns: ['Brook'] }, ADMIN);
    expect(access.sessions.resolve(token)?.principal).toMatchObject({ role: 'viewer', scope: { towns: ['Brook'] } });
  });

  it('slides the idle end with use, but never past the absolute end', () => {
    const { token } = access.sessions.start('dana');
    for (let minute = 20; minute <= 460; minute += 20) {
      access.now = T0 + minute * MINUTE;
      expect(access.sessions.resolve(token)?.times.idleExpiresAt).toBe(Math.min(T0 + (minute + 30) * MINUTE, T0 + 480 * MINUTE));
    }
    access.now = T0 + 480 * MINUTE;
    expect(access.sessions.resolve(token)).toBeNull();
    // An ended session is deleted, not merely refused.
    expect(access.db.prepare('SELECT COUNT(*) AS n FROM operator_sessions').get()).toEqual({ n: 0 });
  });

  it('ends a session unused for the idle timeout; a check without touching does not keep it alive', () => {
    const { token } = access.sessions.start('dana');
    access.now = T0 + 29 * MINUTE;
    expect(access.sessions.resolve(token, { touch: false })).not.toBeNull();
    access.now = T0 + 30 * MINUTE;
    expect(access.sessions.resolve(token)).toBeNull();
  });

  it('writes last-seen at most once a minute (not on every request)', () => {
    const { token } = access.sessions.start('dana');
    const lastSeen = () => (access.db.prepare('SELECT last_seen_at AS at FROM operator_sessions').get() as { at: number }).at;
    access.now = T0 + 30_000;
    access.sessions.resolve(token);
    expect(lastSeen()).toBe(T0);
    access.now = T0 + 61_000;
    access.sessions.resolve(token);
    expect(lastSeen()).toBe(T0 + 61_000);
  });

  it('stores only the token’s SHA-256, refuses made-up tokens, and ends sessions one by one or per operator', () => {
    const first = access.sessions.start('dana');
    const second = access.sessions.start('dana');
    const stored = (access.db.prepare('SELECT token_hash AS hash FROM operator_sessions ORDER BY rowid').all() as { hash: string }[]).map((row) => row.hash);
    expect(stored).toEqual([hashToken(first.token), hashToken(second.token)]);
    expect(stored.some((hash) => hash.includes(first.token))).toBe(false);
    expect(access.sessions.resolve('x'.repeat(43))).toBeNull();
    expect(access.sessions.resolve('not a token; drop table')).toBeNull();
    expect(access.sessions.endAllFor('dana', second.token)).toBe(1);
    expect(access.sessions.resolve(first.token)).toBeNull();
    expect(access.sessions.end(second.token)).toBe('dana');
    expect(access.sessions.resolve(second.token)).toBeNull();
  });

  it('refuses the sessions of a disabled operator', async () => {
    const { token } = access.sessions.start('dana');
    await access.operators.update('dana', { disabled: true }, ADMIN);
    expect(access.sessions.resolve(token)).toBeNull();
  });

  it('sweeps ended sessions from the table', () => {
    access.sessions.start('dana');
    access.now = T0 + 10 * MINUTE;
    access.sessions.start('dana');
    access.now = T0 + 35 * MINUTE;
    expect(access.sessions.prune()).toBe(1);
    expect(access.sessions.countFor('dana')).toBe(1);
  });
});
