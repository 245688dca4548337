import type { Executor } from '@hub/store';
import type { Principal } from '../access-scope';
import { hashToken, isSessionTokenShape, newSessionToken } from './session-token';
import { SessionRepository, SessionWithOperator } from './session.repository';

export interface SessionLimits {
  readonly idleMs: number;
  readonly maxAgeMs: number;
}

/** When a session ends unless used again (idle), and at the latest (absolute). */
export interface SessionTimes {
  readonly idleExpiresAt: number;
  readonly expiresAt: number;
}

/** Longest a session's last-seen time may lag: a write per minute at most instead of one per API call. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Operator sessions: a random token in the browser's cookie, its SHA-256 in the database. A session ends when unused
 * for the idle timeout (sliding) or at its absolute end, whichever comes first, on logout, and when its operator is
 * disabled or gets a new password. Role and scope are read from the operator on every request, so a change applies
 * to sessions already open.
 */
export class OperatorSessions {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly limits: SessionLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  /** `exec`: the transaction of a login, so that the session and its audit entry are written together. */
  async start(username: string, exec?: Executor): Promise<{ token: string } & SessionTimes> {
    const now = this.clock();
    const token = newSessionToken();
    const expiresAt = now + this.limits.maxAgeMs;
    await this.sessions.insert({ tokenHash: hashToken(token), username, createdAt: now, expiresAt, lastSeenAt: now }, exec);
    return { token, expiresAt, idleExpiresAt: Math.min(expiresAt, now + this.limits.idleMs) };
  }

  /** The operator behind a live session token, or null (unknown, expired — then deleted —, or operator disabled). */
  async resolve(token: string, options: { touch: boolean } = { touch: true }): Promise<{ principal: Principal; times: SessionTimes } | null> {
    if (!isSessionTokenShape(token)) return null;
    const now = this.clock();
    const session = await this.sessions.find(hashToken(token));
    if (session === undefined) return null;
    if (this.expired(session, now)) {
      await this.sessions.delete(session.tokenHash);
      return null;
    }
    if (session.disabled) return null;
    let lastSeenAt = session.lastSeenAt;
    // Two requests at once may both write: the same kind of value, a few ms apart, so the later one is as good.
    if (options.touch && now - lastSeenAt >= Math.min(TOUCH_EVERY_MS, this.limits.idleMs / 10)) {
      await this.sessions.touch(session.tokenHash, now);
      lastSeenAt = now;
    }
    return {
      principal: { kind: 'operator', name: session.username, role: session.role, scope: { towns: session.towns, domains: session.domains } },
      times: { expiresAt: session.expiresAt, idleExpiresAt: Math.min(session.expiresAt, lastSeenAt + this.limits.idleMs) },
    };
  }

  /** Ends the session of `token`; answers whose it was (null: no such session). */
  async end(token: string, exec?: Executor): Promise<string | null> {
    if (!isSessionTokenShape(token)) return null;
    const session = await this.sessions.find(hashToken(token), exec);
    if (session === undefined) return null;
    // Of two logouts at once, only the one that deleted it answers with the operator (and is audited).
    return (await this.sessions.delete(session.tokenHash, exec)) ? session.username : null;
  }

  /** Ends the operator's sessions (all, or all but the one whose token is `keepToken`), in the caller's transaction. */
  async endAllFor(username: string, keepToken?: string, exec?: Executor): Promise<number> {
    return this.sessions.deleteForUser(username, keepToken === undefined ? undefined : hashToken(keepToken), exec);
  }

  /** Sessions of the operator not yet ended. */
  async countFor(username: string, exec?: Executor): Promise<number> {
    const now = this.clock();
    return this.sessions.countFor(username, now - this.limits.idleMs, now, exec);
  }

  /** Sessions not yet ended, per operator (those with none are absent). */
  async countLive(exec?: Executor): Promise<Map<string, number>> {
    const now = this.clock();
    return this.sessions.countLive(now - this.limits.idleMs, now, exec);
  }

  /** Deletes sessions that have ended; they are refused anyway, this keeps the table small. */
  async prune(): Promise<number> {
    const now = this.clock();
    return this.sessions.deleteExpired(now, now - this.limits.idleMs);
  }

  private expired(session: SessionWithOperator, now: number): boolean {
    return now >= session.expiresAt || now >= session.lastSeenAt + this.limits.idleMs;
  }
}
