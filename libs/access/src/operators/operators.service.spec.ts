import { existsSync, readFileSync, statSync } from 'node:fs';
import { AccessConflictError, AccessDeniedError, AccessNotFoundError, TooManyAttemptsError } from '../access-errors';
import { InvalidInputError } from '../access-input';
import { Principal } from '../access-scope';
import { AccessFixture, ADMIN } from '../testing/access-fixtures';

const PASSWORD = 'a long enough passphrase';
const ASHFORD_ADMIN: Principal = { kind: 'operator', name: 'a.admin', role: 'admin', scope: { towns: ['Ashford'], domains: [] } };

describe('OperatorsService', () => {
  let access: AccessFixture;

  beforeEach(async () => {
    access = new AccessFixture();
  });

  afterEach(() => access.close());

  it('creates the first admin with a random password in a file only its user can read, once', async () => {
    const created = await access.operators.ensureInitialAdmin(null);
    expect(created).toEqual({ username: 'admin', passwordFile: access.passwordFile.path });
    const password = readFileSync(access.passwordFile.path, 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(statSync(access.passwordFile.path).mode & 0o777).toBe(0o600);
    expect((await access.logins.login({ username: 'admin', password }, '127.0.0.1')).outcome).toBe('ok');
    expect(await access.operators.ensureInitialAdmin(null)).toBeNull();
    expect(await access.auditTrail()).toEqual(['system operator.create admin', 'admin auth.login admin']);
  });

  it('uses HUB_ADMIN_PASSWORD for the first admin when set (no file), and ignores it once operators exist', async () => {
    expect(await access.operators.ensureInitialAdmin('compose secret password')).toEqual({ username: 'admin', passwordFile: null });
    expect(existsSync(access.passwordFile.path)).toBe(false);
    expect((await access.logins.login({ username: 'admin', password: 'compose secret password' }, '127.0.0.1')).outcome).toBe('ok');
    expect(await access.operators.ensureInitialAdmin('another password entirely')).toBeNull();
    expect(access.logger.warnings).toEqual([{ msg: 'HUB_ADMIN_PASSWORD is set but operators exist already: it is ignored (change passwords in the console)' }]);
  });

  it('deletes the initial password file once the admin has changed the password', async () => {
    await access.operators.ensureInitialAdmin(null);
    const password = readFileSync(access.passwordFile.path, 'utf8').trim();
    const login = await access.logins.login({ username: 'admin', password }, '127.0.0.1');
    if (login.outcome !== 'ok') throw new Error('expected a session');
    await access.operators.changeOwnPassword(login.principal, { currentPassword: password, newPassword: 'my own chosen passphrase' }, login.token);
    expect(existsSync(access.passwordFile.path)).toBe(false);
    expect((await access.sessions.resolve(login.token))?.principal.name).toBe('admin');
  });

  it('creates operators with a role and scope, refusing bad input field by field, taken and reserved names', async () => {
    const dana = await access.operators.create({ username: 'dana.ortiz', password: PASSWORD, role: 'operator', towns: ['Ashford'], domains: ['water', 'gas'] }, ADMIN);
    expect(dana).toMatchObject({ username: 'dana.ortiz', role: 'operator', towns: ['Ashford'], domains: ['water', 'gas'], disabled: false, createdBy: 'admin', sessions: 0 });
    expect(JSON.stringify(dana)).not.toContain('scrypt');
    await expect(access.operators.create({ username: 'dana.ortiz', password: PASSWORD, role: 'viewer' }, ADMIN)).rejects.toThrow(new AccessConflictError('Operator dana.ortiz already exists'));
    await expect(access.operators.create({ username: 'Dana Ortiz', password: 'short', role: 'chief', domains: ['sewage'], by: 'x' }, ADMIN)).rejects.toThrow(
      new InvalidInputError('operator', [
        { field: 'by', problem: 'is not a known field; allowed: username, password, role, towns, domains' },
        { field: 'username', problem: 'must match lower-case letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64' },
        { field: 'password', problem: 'must be at least 12 characters long (a passphrase of a few words is easiest), got 5' },
        { field: 'role', problem: 'must be one of viewer, operator, admin, got "chief"' },
        { field: 'domains[0]', problem: 'must be one of water, power, gas, heat, traffic, got "sewage"' },
      ]),
    );
    await expect(access.operators.create({ username: 'system', password: PASSWORD, role: 'viewer' }, ADMIN)).rejects.toThrow('"system" is reserved for the hub itself');
    expect(await access.auditTrail()).toEqual(['admin operator.create dana.ortiz']);
  });

  it('disables at once (sessions end), re-enables, changes role and scope, and audits each change', async () => {
    await access.operators.create({ username: 'dana', password: PASSWORD, role: 'operator' }, ADMIN);
    const session = await access.sessions.start('dana');
    await access.operators.update('dana', { disabled: true }, ADMIN);
    expect(await access.sessions.resolve(session.token)).toBeNull();
    expect((await access.logins.login({ username: 'dana', password: PASSWORD }, '10.0.0.7')).outcome).toBe('refused');
    await access.operators.update('dana', { disabled: false, role: 'viewer', towns: ['Brook'] }, ADMIN);
    expect((await access.logins.login({ username: 'dana', password: PASSWORD }, '10.0.0.7')).outcome).toBe('ok');
    expect(await access.auditTrail()).toEqual([
      'admin operator.create dana',
      'admin operator.disable dana',
      'anonymous auth.login.fail dana',
      'admin operator.update dana',
      'admin operator.enable dana',
      'dana auth.login dana',
    ]);
    expect((await access.auditList({ action: 'operator.update', limit: 1 }))[0].detail).toEqual({ role: { from: 'operator', to: 'viewer' }, towns: { from: [], to: ['Brook'] } });
  });

  it('resets a password: the old one stops working and every session of the operator ends', async () => {
    await access.operators.create({ username: 'dana', password: PASSWORD, role: 'operator' }, ADMIN);
    const session = await access.sessions.start('dana');
    await access.operators.update('dana', { password: 'a brand new passphrase' }, ADMIN);
    expect(await access.sessions.resolve(session.token)).toBeNull();
    expect((await access.logins.login({ username: 'dana', password: PASSWORD }, '10.0.0.7')).outcome).toBe('refused');
    expect((await access.logins.login({ username: 'dana', password: 'a brand new passphrase' }, '10.0.0.7')).outcome).toBe('ok');
    expect((await access.auditList({ action: 'operator.password.reset', limit: 1 }))[0].detail).toEqual({ sessionsEnded: 1 });
    expect(JSON.stringify(await access.auditList({ limit: 100 }))).not.toContain('brand new');
  });

  it('keeps the last enabled admin, and an admin from disabling or demoting themselves', async () => {
    await access.operators.ensureInitialAdmin('compose secret password');
    await expect(access.operators.update('admin', { role: 'operator' }, { ...ADMIN, name: 'bootstrap-key', kind: 'bootstrap-key' })).rejects.toThrow(
      new AccessConflictError('admin is the last enabled admin: make another admin first'),
    );
    await expect(access.operators.update('admin', { disabled: true }, ADMIN)).rejects.toThrow(new AccessDeniedError('You cannot disable or demote yourself; ask another admin'));
    await access.operators.create({ username: 'chief', password: PASSWORD, role: 'admin' }, ADMIN);
    expect((await access.operators.update('admin', { disabled: true }, { ...ADMIN, name: 'chief' })).disabled).toBe(true);
    await expect(access.operators.update('nobody', { disabled: true }, ADMIN)).rejects.toThrow(AccessNotFoundError);
  });

  it('lets a town admin manage only operators inside their towns, and hand out no wider scope', async () => {
    await access.operators.create({ username: 'county.op', password: PASSWORD, role: 'operator' }, ADMIN);
    await expect(access.operators.create({ username: 'b.op', password: PASSWORD, role: 'operator', towns: ['Brook'] }, ASHFORD_ADMIN)).rejects.toThrow(
      new AccessDeniedError('operator b.op (towns Brook) would reach beyond the scope of a.admin (towns Ashford)'),
    );
    await expect(access.operators.create({ username: 'wide', password: PASSWORD, role: 'operator' }, ASHFORD_ADMIN)).rejects.toThrow(AccessDeniedError);
    await access.operators.create({ username: 'a.op', password: PASSWORD, role: 'operator', towns: ['Ashford'] }, ASHFORD_ADMIN);
    await expect(access.operators.update('county.op', { disabled: true }, ASHFORD_ADMIN)).rejects.toThrow(AccessDeniedError);
    await expect(access.operators.update('a.op', { towns: [] }, ASHFORD_ADMIN)).rejects.toThrow(AccessDeniedError);
    expect((await access.operators.list(ASHFORD_ADMIN)).map((operator) => operator.username)).toEqual(['a.op']);
    expect((await access.operators.list(ADMIN)).map((operator) => operator.username)).toEqual(['a.op', 'county.op']);
  });

  it('changes one’s own password only with the current one, counting wrong guesses towards the back-off', async () => {
    await access.operators.create({ username: 'dana', password: PASSWORD, role: 'viewer' }, ADMIN);
    const here = await access.sessions.start('dana');
    const elsewhere = await access.sessions.start('dana');
    const dana: Principal = { kind: 'operator', name: 'dana', role: 'viewer', scope: { towns: [], domains: [] } };
    await expect(access.operators.changeOwnPassword(dana, { currentPassword: 'not it at all', newPassword: 'my new passphrase' }, here.token)).rejects.toThrow(
      new InvalidInputError('password change', [{ field: 'currentPassword', problem: 'is not your current password' }]),
    );
    await expect(access.operators.changeOwnPassword(dana, { currentPassword: PASSWORD, newPassword: 'dana dana dana dana' }, here.token)).rejects.toThrow('newPassword must not contain the username');
    for (let attempt = 0; attempt < 5; attempt++) await access.operators.changeOwnPassword(dana, { currentPassword: `guess ${attempt}`, newPassword: 'my new passphrase' }, here.token).catch(() => undefined);
    await expect(access.operators.changeOwnPassword(dana, { currentPassword: PASSWORD, newPassword: 'my new passphrase' }, here.token)).rejects.toThrow(TooManyAttemptsError);
    access.now += 1000;
    await access.operators.changeOwnPassword(dana, { currentPassword: PASSWORD, newPassword: 'my new passphrase' }, here.token);
    expect((await access.sessions.resolve(here.token))?.principal.name).toBe('dana');
    expect(await access.sessions.resolve(elsewhere.token)).toBeNull();
    expect((await access.auditTrail()).slice(-1)).toEqual(['dana operator.password.change dana']);
    await expect(access.operators.changeOwnPassword({ ...dana, kind: 'api-key', name: 'key:x' }, {}, undefined)).rejects.toThrow(AccessDeniedError);
  });
});
