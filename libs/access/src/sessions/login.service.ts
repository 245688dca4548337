import { DomainIssue, type HubLogger } from '@hub/common';
import type { Store } from '@hub/store';
import type { Principal } from '../access-scope';
import { InvalidInputError, JsonInputReader } from '../access-input';
import { ANONYMOUS_ACTOR, AuditRecorder } from '../audit-trail';
import { USERNAME_PATTERN } from '../operators/operator';
import { OperatorRepository } from '../operators/operator.repository';
import { PasswordHasher } from '../passwords/password-hasher';
import { MAX_PASSWORD_LENGTH } from '../passwords/password-policy';
import { ADDRESS_THROTTLE, LoginThrottle, USERNAME_THROTTLE } from './login-throttle';
import { OperatorSessions, SessionTimes } from './operator-sessions';

export type LoginResult =
  | ({ readonly outcome: 'ok'; readonly token: string; readonly principal: Principal } & SessionTimes)
  /** Unknown user, wrong password or disabled: one answer for all, so the username's existence is not revealed. */
  | { readonly outcome: 'refused' }
  | { readonly outcome: 'throttled'; readonly retryAfterMs: number };

/** Logins by outcome since start, for /metrics. */
export class LoginStats {
  ok = 0;
  refused = 0;
  throttled = 0;
}

/** Attempts checked at once at most, per username / per address / in all; more are answered 429 at once. */
const IN_FLIGHT_PER_USER = 1;
const IN_FLIGHT_PER_ADDRESS = 4;
const IN_FLIGHT_TOTAL = 32;

/**
 * Password login. Refusals look the same whatever the reason (same message, and the same scrypt work: an unknown
 * username is checked against UNKNOWN_USER_HASH), and each counts towards back-off per username and per address. An
 * attempt made while backed off is answered 429 without looking at the password. Attempts already being checked
 * count too, so a burst of parallel guesses cannot slip past the back-off before the first one is counted.
 */
export class LoginService {
  private readonly inFlight = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly store: Store,
    private readonly operators: OperatorRepository,
    private readonly sessions: OperatorSessions,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditRecorder,
    readonly stats: LoginStats,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  async login(body: unknown, address: string): Promise<LoginResult> {
    const { username, password } = parseLogin(body);
    const userKey = `user:${username}`;
    const addressKey = `addr:${address}`;
    const now = this.clock();
    const waitMs = Math.max(this.throttle.retryAfterMs(userKey, now), this.throttle.retryAfterMs(addressKey, now));
    const busy = (this.inFlight.get(userKey) ?? 0) >= IN_FLIGHT_PER_USER || (this.inFlight.get(addressKey) ?? 0) >= IN_FLIGHT_PER_ADDRESS || this.total >= IN_FLIGHT_TOTAL;
    if (waitMs > 0 || busy) {
      this.stats.throttled++;
      return { outcome: 'throttled', retryAfterMs: Math.max(waitMs, 1000) };
    }
    this.begin(userKey, addressKey);
    try {
      const operator = USERNAME_PATTERN.test(username) ? await this.operators.get(username) : undefined;
      const matches = operator === undefined ? await this.hasher.verifyUnknownUser(password) : await this.hasher.verify(password, operator.passwordHash);
      if (operator === undefined || !matches || operator.disabled) {
        return await this.refuse(operator === undefined ? null : username, operator === undefined ? 'unknown-user' : !matches ? 'wrong-password' : 'disabled', userKey, addressKey, address);
      }
      this.throttle.forget(userKey);
      if (this.hasher.needsRehash(operator.passwordHash)) {
        // Parameters were raised since this password was set: store it at today's cost (same password, new hash).
        await this.operators.update(username, { passwordHash: await this.hasher.hash(password), updatedAt: this.clock() });
      }
      const session = await this.store.tx(async (tx) => {
        const started = await this.sessions.start(username, tx.exec);
        await this.audit.record({ actor: username, action: 'auth.login', targetType: 'operator', targetId: username, detail: { address } }, tx.exec);
        return started;
      });
      this.stats.ok++;
      return { outcome: 'ok', token: session.token, expiresAt: session.expiresAt, idleExpiresAt: session.idleExpiresAt, principal: { kind: 'operator', name: username, role: operator.role, scope: operator.scope } };
    } finally {
      this.end(userKey, addressKey);
    }
  }

  /** Ends the session of `token` (if it is one); records who logged out. */
  async logout(token: string | undefined): Promise<void> {
    if (token === undefined) return;
    await this.store.tx(async (tx) => {
      const username = await this.sessions.end(token, tx.exec);
      if (username !== null) await this.audit.record({ actor: username, action: 'auth.logout', targetType: 'operator', targetId: username, detail: {} }, tx.exec);
    });
  }

  private async refuse(knownUsername: string | null, reason: 'unknown-user' | 'wrong-password' | 'disabled', userKey: string, addressKey: string, address: string): Promise<LoginResult> {
    const now = this.clock();
    const userLockMs = this.throttle.fail(userKey, USERNAME_THROTTLE, now);
    const addressLockMs = this.throttle.fail(addressKey, ADDRESS_THROTTLE, now);
    // A name typed that is no operator is not recorded: people type their password into the username field.
    await this.audit.record(
      {
        actor: ANONYMOUS_ACTOR,
        action: 'auth.login.fail',
        targetType: 'operator',
        targetId: knownUsername,
        detail: { address, reason, ...(userLockMs > 0 ? { usernameLockedForS: userLockMs / 1000 } : {}), ...(addressLockMs > 0 ? { addressLockedForS: addressLockMs / 1000 } : {}) },
      },
      this.store.db,
    );
    this.logger.warn({ msg: 'Login refused', username: knownUsername ?? undefined, address, reason, usernameLockedForMs: userLockMs || undefined, addressLockedForMs: addressLockMs || undefined });
    this.stats.refused++;
    return { outcome: 'refused' };
  }

  private begin(...keys: string[]): void {
    for (const key of keys) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    this.total++;
  }

  private end(...keys: string[]): void {
    for (const key of keys) {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    }
    this.total--;
  }
}

/** `{ username, password }`; the username is compared lower-cased and trimmed (what people type on a phone). */
function parseLogin(body: unknown): { username: string; password: string } {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['username', 'password']);
  if (read === undefined) throw new InvalidInputError('login', issues);
  const username = read.raw('username');
  const password = read.raw('password');
  if (typeof username !== 'string' || username.trim() === '' || username.length > 256) read.missing('username');
  if (typeof password !== 'string' || password === '' || password.length > MAX_PASSWORD_LENGTH * 4) read.missing('password');
  if (issues.length > 0) throw new InvalidInputError('login', issues);
  return { username: (username as string).trim().toLowerCase(), password: password as string };
}
