import { InvalidInputError } from '../access-input';
import { PasswordHasher } from '../passwords/password-hasher';
import { AccessFixture, ADMIN, T0 } from '../testing/access-fixtures';

const PASSWORD = 'a long enough passphrase';

describe('LoginService', () => {
  let access: AccessFixture;

  beforeEach(async () => {
    access = new AccessFixture();
    await access.operators.create({ username: 'dana', password: PASSWORD, role: 'operator', domains: ['water'] }, ADMIN);
  });

  afterEach(() => access.close());

  it('logs in with the right password (username case and spaces forgiven), starting a session and auditing it', async () => {
    const result = await access.logins.login({ username: '  Dana ', password: PASSWORD }, '10.0.0.7');
    expect(result).toMatchObject({ outcome: 'ok', principal: { kind: 'operator', name: 'dana', role: 'operator', scope: { towns: [], domains: ['water'] } } });
    if (result.outcome !== 'ok') throw new Error('expected a session');
    expect((await access.sessions.resolve(result.token))?.principal.name).toBe('dana');
    expect((await access.auditTrail()).slice(-1)).toEqual(['dana auth.login dana']);
    expect((await access.auditList({ action: 'auth.login', limit: 1 }))[0].detail).toEqual({ address: '10.0.0.7' });
    expect(access.stats).toMatchObject({ ok: 1, refused: 0, throttled: 0 });
  });

  it('answers a wrong password, an unknown user and a disabled operator the same way', async () => {
    await access.operators.create({ username: 'sam', password: PASSWORD, role: 'viewer' }, ADMIN);
    await access.operators.update('sam', { disabled: true }, ADMIN);
    const answers = [
      await access.logins.login({ username: 'dana', password: 'not the passphrase' }, '10.0.0.7'),
      await access.logins.login({ username: 'nobody', password: PASSWORD }, '10.0.0.7'),
      await access.logins.login({ username: 'sam', password: PASSWORD }, '10.0.0.7'),
      await access.logins.login({ username: 'Robert\'); DROP TABLE operators;--', password: PASSWORD }, '10.0.0.7'),
    ];
    expect(answers).toEqual([{ outcome: 'refused' }, { outcome: 'refused' }, { outcome: 'refused' }, { outcome: 'refused' }]);
    // The audit log tells the admin why; a name that is no operator is not kept (it may be a password typed in the wrong field).
    const failures = (await access.auditList({ action: 'auth.login.fail', limit: 10 })).reverse();
    expect(failures.map((entry) => [entry.actor, entry.targetId, entry.detail.reason])).toEqual([
      ['anonymous', 'dana', 'wrong-password'],
      ['anonymous', null, 'unknown-user'],
      ['anonymous', 'sam', 'disabled'],
      ['anonymous', null, 'unknown-user'],
    ]);
    expect(JSON.stringify(await access.auditList({ limit: 100 }))).not.toContain('nobody');
    expect(access.stats.refused).toBe(4);
  });

  it('backs off after five failures for a username: 429 without looking at the password, even the right one', async () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      expect(await access.logins.login({ username: 'dana', password: `wrong guess ${attempt}` }, `10.0.0.${attempt}`)).toEqual({ outcome: 'refused' });
    }
    expect(await access.logins.login({ username: 'dana', password: PASSWORD }, '10.0.0.99')).toEqual({ outcome: 'throttled', retryAfterMs: 1000 });
    expect((await access.auditList({ action: 'auth.login.fail', limit: 1 }))[0].detail).toEqual({ address: '10.0.0.5', reason: 'wrong-password', usernameLockedForS: 1 });
    access.now = T0 + 1000;
    expect((await access.logins.login({ username: 'dana', password: PASSWORD }, '10.0.0.99')).outcome).toBe('ok');
    // Success clears the username's count.
    expect((await access.logins.login({ username: 'dana', password: 'wrong again' }, '10.0.0.99')).outcome).toBe('refused');
    expect(access.stats).toMatchObject({ ok: 1, refused: 7, throttled: 1 });
  });

  it('backs off an address guessing many usernames, for unknown ones too', async () => {
    for (let attempt = 0; attempt < 21; attempt++) await access.logins.login({ username: `user${attempt}`, password: 'guess guess guess' }, '192.0.2.1');
    expect(await access.logins.login({ username: 'dana', password: PASSWORD }, '192.0.2.1')).toEqual({ outcome: 'throttled', retryAfterMs: 1000 });
    expect((await access.logins.login({ username: 'dana', password: PASSWORD }, '192.0.2.2')).outcome).toBe('ok');
  });

  it('checks one attempt per username at a time: a parallel burst cannot slip past the back-off', async () => {
    const burst = await Promise.all(Array.from({ length: 20 }, (_, index) => access.logins.login({ username: 'dana', password: `guess ${index}` }, `10.1.0.${index}`)));
    expect(burst.filter((result) => result.outcome === 'refused')).toHaveLength(1);
    expect(burst.filter((result) => result.outcome === 'throttled')).toHaveLength(19);
  });

  it('refuses a malformed body with a 400 naming the fields', async () => {
    await expect(access.logins.login({ username: 'dana' }, '10.0.0.7')).rejects.toThrow(new InvalidInputError('login', [{ field: 'password', problem: 'is required' }]));
    await expect(access.logins.login('dana:secret', '10.0.0.7')).rejects.toThrow(InvalidInputError);
    await expect(access.logins.login({ username: 'dana', password: PASSWORD, remember: true }, '10.0.0.7')).rejects.toThrow('remember is not a known field');
  });

  it('stores the password at today’s cost after a login with a hash made at a lower one', async () => {
    const weak = await new PasswordHasher({ logN: 10, r: 1, p: 1 }).hash(PASSWORD);
    await access.operatorRepository.update('dana', { passwordHash: weak, updatedAt: T0 });
    expect((await access.logins.login({ username: 'dana', password: PASSWORD }, '10.0.0.7')).outcome).toBe('ok');
    const stored = (await access.operatorRepository.get('dana'))?.passwordHash ?? '';
    expect(stored).toMatch(/^scrypt\$ln=10,r=8,p=1\$/);
    expect(await access.hasher.verify(PASSWORD, stored)).toBe(true);
  });

  it('logs out: the session ends and the audit log says who', async () => {
    const result = await access.logins.login({ username: 'dana', password: PASSWORD }, '10.0.0.7');
    if (result.outcome !== 'ok') throw new Error('expected a session');
    await access.logins.logout(result.token);
    await access.logins.logout(result.token);
    await access.logins.logout(undefined);
    expect(await access.sessions.resolve(result.token)).toBeNull();
    expect((await access.auditTrail()).slice(-2)).toEqual(['dana auth.login dana', 'dana auth.logout dana']);
  });
});
