import type { OperatorView } from '@hub/api-types';
import { randomBytes } from 'node:crypto';
import type { HubLogger } from '@hub/common';
import type { CatalogueSource } from '@hub/contract';
import type { Store, Tx } from '@hub/store';
import { AccessScope, COUNTY_SCOPE, Principal } from '../access-scope';
import { AccessConflictError, AccessDeniedError, AccessNotFoundError, TooManyAttemptsError } from '../access-errors';
import { AuditRecorder, SYSTEM_ACTOR } from '../audit-trail';
import { PasswordHasher } from '../passwords/password-hasher';
import { assertScopeWithin, scopeWithin } from '../scope-check';
import { OperatorSessions } from '../sessions/operator-sessions';
import { InvalidInputError } from '../access-input';
import { InitialAdminPasswordFile } from './initial-admin-password.file';
import { INITIAL_ADMIN, Operator, StoredOperator } from './operator';
import { parseNewOperator, parseOperatorChange, parsePasswordChange } from './operator-input';
import { OperatorDirectory } from './operator-lookup';
import { OperatorRepository } from './operator.repository';
import { LoginThrottle, USERNAME_THROTTLE } from '../sessions/login-throttle';

/** An operator as the API shows it (never the hash): the shape of @hub/api-types. */
export type { OperatorView };

/**
 * Operators: create, list, change (role, scope, disabled, a password reset by an admin), change one's own password,
 * and the first admin on the very first start. Every change is audited with who made it. A scoped admin manages only
 * operators inside their own scope and cannot hand out a wider one. The last enabled admin cannot be disabled or
 * demoted: nobody could log in to fix that.
 */
export class OperatorsService {
  constructor(
    private readonly store: Store,
    private readonly operators: OperatorRepository,
    private readonly sessions: OperatorSessions,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditRecorder,
    /** Scopes name domains: the ones the catalogue holds now. */
    private readonly catalogue: CatalogueSource,
    private readonly throttle: LoginThrottle,
    private readonly initialPasswordFile: InitialAdminPasswordFile,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
    /** The in-memory operators that synchronous readers use: told of every committed change. */
    private readonly directory: OperatorDirectory = new OperatorDirectory(),
  ) {}

  async list(by: Principal): Promise<OperatorView[]> {
    const [operators, sessions] = await Promise.all([this.operators.list(), this.sessions.countLive()]);
    return operators.filter((operator) => scopeWithin(operator.scope, by.scope)).map((operator) => this.view(operator, sessions.get(operator.username) ?? 0));
  }

  async get(username: string, by: Principal): Promise<OperatorView> {
    return this.viewWithSessions(await this.manageable(username, by));
  }

  async create(body: unknown, by: Principal): Promise<OperatorView> {
    const input = parseNewOperator(body, this.catalogue.current());
    assertScopeWithin(by, input.scope, `operator ${input.username}`);
    if ((await this.operators.get(input.username)) !== undefined) throw new AccessConflictError(`Operator ${input.username} already exists`);
    const passwordHash = await this.hasher.hash(input.password);
    const now = this.clock();
    const operator: StoredOperator = { username: input.username, passwordHash, role: input.role, scope: input.scope, disabled: false, createdAt: now, createdBy: by.name, updatedAt: now };
    await this.store.tx(async (tx) => {
      // Checked again after the (slow) hash, under the lock: two admins creating the same name at once get one
      // operator and a 409 (the primary key would refuse the second too, but as a 500).
      await lockOperators(tx);
      if ((await this.operators.get(input.username, tx.exec)) !== undefined) throw new AccessConflictError(`Operator ${input.username} already exists`);
      await this.operators.insert(operator, tx.exec);
      await this.audit.record({ actor: by.name, action: 'operator.create', targetType: 'operator', targetId: operator.username, detail: { role: operator.role, ...operator.scope } }, tx.exec);
      tx.afterCommit(() => this.directory.remember(operator));
    });
    this.logger.log({ msg: 'Operator created', username: operator.username, role: operator.role, by: by.name });
    return this.view(operator, 0);
  }

  async update(username: string, body: unknown, by: Principal): Promise<OperatorView> {
    const current = await this.manageable(username, by);
    const change = parseOperatorChange(body, username, this.catalogue.current());
    const scope: AccessScope = { towns: change.towns ?? current.scope.towns, domains: change.domains ?? current.scope.domains };
    assertScopeWithin(by, scope, `operator ${username}`);
    if (by.kind === 'operator' && by.name === username && (change.disabled === true || (change.role !== undefined && change.role !== 'admin'))) {
      throw new AccessDeniedError('You cannot disable or demote yourself; ask another admin');
    }
    const passwordHash = change.password === undefined ? undefined : await this.hasher.hash(change.password);
    const now = this.clock();
    const { ended, updated } = await this.store.tx(async (tx) => {
      // "The last enabled admin" is read and kept under one lock: on PostgreSQL two admins disabling each other at once
      // would otherwise both see the other one still enabled, and leave none.
      await lockOperators(tx);
      const stored = (await this.operators.get(username, tx.exec)) ?? current;
      const losesAdmin = stored.role === 'admin' && !stored.disabled && (change.disabled === true || (change.role !== undefined && change.role !== 'admin'));
      if (losesAdmin && (await this.operators.enabledAdmins(tx.exec)).filter((name) => name !== username).length === 0) {
        throw new AccessConflictError(`${username} is the last enabled admin: make another admin first`);
      }
      await this.operators.update(username, { role: change.role, scope: change.towns !== undefined || change.domains !== undefined ? scope : undefined, disabled: change.disabled, passwordHash, updatedAt: now }, tx.exec);
      const target = { targetType: 'operator', targetId: username, actor: by.name } as const;
      const roleOrScope: Record<string, unknown> = {};
      if (change.role !== undefined && change.role !== stored.role) roleOrScope.role = { from: stored.role, to: change.role };
      if (change.towns !== undefined) roleOrScope.towns = { from: stored.scope.towns, to: change.towns };
      if (change.domains !== undefined) roleOrScope.domains = { from: stored.scope.domains, to: change.domains };
      if (Object.keys(roleOrScope).length > 0) await this.audit.record({ ...target, action: 'operator.update', detail: roleOrScope }, tx.exec);
      if (change.disabled !== undefined && change.disabled !== stored.disabled) await this.audit.record({ ...target, action: change.disabled ? 'operator.disable' : 'operator.enable', detail: {} }, tx.exec);
      // A disabled operator, or one whose password was reset (it may have leaked), is logged out everywhere at once.
      const sessionsEnded = change.disabled === true || passwordHash !== undefined ? await this.sessions.endAllFor(username, undefined, tx.exec) : 0;
      if (passwordHash !== undefined) await this.audit.record({ ...target, action: 'operator.password.reset', detail: { sessionsEnded } }, tx.exec);
      const after = (await this.operators.get(username, tx.exec)) ?? current;
      tx.afterCommit(() => this.directory.remember(after));
      return { ended: sessionsEnded, updated: after };
    });
    if (passwordHash !== undefined) {
      this.throttle.forget(`user:${username}`);
      if (username === INITIAL_ADMIN) this.initialPasswordFile.remove();
    }
    this.logger.log({ msg: 'Operator changed', username, by: by.name, fields: Object.keys(change), sessionsEnded: ended });
    return this.viewWithSessions(updated);
  }

  /**
   * An operator changes their own password, proving the current one (a session left open on a shared screen must not
   * be enough). Wrong guesses count towards the login back-off. Their other sessions end; this one stays.
   */
  async changeOwnPassword(principal: Principal, body: unknown, currentToken: string | undefined): Promise<void> {
    if (principal.kind !== 'operator') throw new AccessDeniedError(`${principal.name} is not an operator and has no password`);
    const input = parsePasswordChange(body, principal.name);
    const key = `user:${principal.name}`;
    const waitMs = this.throttle.retryAfterMs(key, this.clock());
    if (waitMs > 0) throw new TooManyAttemptsError(waitMs);
    const operator = await this.operators.get(principal.name);
    if (operator === undefined || operator.disabled) throw new AccessDeniedError('This operator no longer exists or is disabled');
    if (!(await this.hasher.verify(input.currentPassword, operator.passwordHash))) {
      this.throttle.fail(key, USERNAME_THROTTLE, this.clock());
      throw new InvalidInputError('password change', [{ field: 'currentPassword', problem: 'is not your current password' }]);
    }
    const passwordHash = await this.hasher.hash(input.newPassword);
    const ended = await this.store.tx(async (tx) => {
      // Read again under the lock: an admin may have disabled this operator or changed their scope during the hash.
      await lockOperators(tx);
      const current = await this.operators.get(principal.name, tx.exec);
      if (current === undefined || current.disabled) throw new AccessDeniedError('This operator no longer exists or is disabled');
      const updatedAt = this.clock();
      await this.operators.update(principal.name, { passwordHash, updatedAt }, tx.exec);
      tx.afterCommit(() => this.directory.remember({ ...current, passwordHash, updatedAt }));
      const otherSessionsEnded = await this.sessions.endAllFor(principal.name, currentToken, tx.exec);
      await this.audit.record({ actor: principal.name, action: 'operator.password.change', targetType: 'operator', targetId: principal.name, detail: { otherSessionsEnded } }, tx.exec);
      return otherSessionsEnded;
    });
    this.throttle.forget(key);
    if (principal.name === INITIAL_ADMIN) this.initialPasswordFile.remove();
    this.logger.log({ msg: 'Operator changed their password', username: principal.name, otherSessionsEnded: ended });
  }

  /**
   * On the very first start (no operator at all): `admin` with the configured password, or a random one written to
   * the data directory (0600). Returns where the password is, or null when nothing was created.
   */
  async ensureInitialAdmin(configuredPassword: string | null): Promise<{ username: string; passwordFile: string | null } | null> {
    if ((await this.operators.count()) > 0) {
      if (configuredPassword !== null) this.logger.warn({ msg: 'HUB_ADMIN_PASSWORD is set but operators exist already: it is ignored (change passwords in the console)' });
      return null;
    }
    // 18 random bytes: 24 characters of base64url, 144 bits.
    const password = configuredPassword ?? randomBytes(18).toString('base64url');
    const passwordHash = await this.hasher.hash(password);
    if (configuredPassword === null) this.initialPasswordFile.write(password);
    const now = this.clock();
    let created: boolean;
    try {
      created = await this.store.tx(async (tx) => {
        // Several nodes may start at once on one database (issue 21): one of them makes the admin.
        await lockOperators(tx);
        if ((await this.operators.count(tx.exec)) > 0) return false;
        const admin: StoredOperator = { username: INITIAL_ADMIN, passwordHash, role: 'admin', scope: COUNTY_SCOPE, disabled: false, createdAt: now, createdBy: SYSTEM_ACTOR, updatedAt: now };
        await this.operators.insert(admin, tx.exec);
        tx.afterCommit(() => this.directory.remember(admin));
        await this.audit.record(
          { actor: SYSTEM_ACTOR, action: 'operator.create', targetType: 'operator', targetId: INITIAL_ADMIN, detail: { role: 'admin', initial: true, passwordFrom: configuredPassword === null ? 'file' : 'HUB_ADMIN_PASSWORD' } },
          tx.exec,
        );
        return true;
      });
    } catch (error) {
      if (configuredPassword === null) this.initialPasswordFile.remove();
      throw error;
    }
    if (!created) {
      // Another node made the admin meanwhile: this password was never stored, and its file would mislead.
      if (configuredPassword === null) this.initialPasswordFile.remove();
      return null;
    }
    return { username: INITIAL_ADMIN, passwordFile: configuredPassword === null ? this.initialPasswordFile.path : null };
  }

  /** The operator, if `by` may manage them (404 when unknown, 403 when outside by's scope). */
  private async manageable(username: string, by: Principal): Promise<StoredOperator> {
    const operator = await this.operators.get(username);
    if (operator === undefined) throw new AccessNotFoundError(`Unknown operator ${username}`);
    assertScopeWithin(by, operator.scope, `operator ${username}`);
    return operator;
  }

  private async viewWithSessions(operator: Operator): Promise<OperatorView> {
    return this.view(operator, await this.sessions.countFor(operator.username));
  }

  private view(operator: Operator, sessions: number): OperatorView {
    return {
      username: operator.username,
      role: operator.role,
      towns: operator.scope.towns,
      domains: operator.scope.domains,
      disabled: operator.disabled,
      createdAt: new Date(operator.createdAt).toISOString(),
      createdBy: operator.createdBy,
      updatedAt: new Date(operator.updatedAt).toISOString(),
      sessions,
    };
  }
}

/**
 * One lock for every read-check-write over the operators table ("already exists", "the last enabled admin", "no
 * operator yet"): changes to operators are rare, so one key is simpler than a key per rule and costs nothing.
 */
function lockOperators(tx: Tx): Promise<void> {
  return tx.lock('operators');
}
