import type { Domain } from '@hub/contract';
import type { SqliteDatabase } from '@hub/store';
import type { Role } from '../access-scope';

export interface StoredSession {
  readonly tokenHash: string;
  readonly username: string;
  readonly createdAt: number;
  /** Absolute end (login + the maximum age); the idle end is lastSeenAt + the idle timeout. */
  readonly expiresAt: number;
  readonly lastSeenAt: number;
}

/** A session with its operator as they are now (role, scope and disabled are read on every request). */
export interface SessionWithOperator extends StoredSession {
  readonly role: Role;
  readonly towns: readonly string[];
  readonly domains: readonly Domain[];
  readonly disabled: boolean;
}

interface Row {
  token_hash: string;
  username: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  role: Role;
  towns: string;
  domains: string;
  disabled: number;
}

/** Operator sessions in the embedded database (table `operator_sessions`): they survive a restart of the service. */
export class SessionRepository {
  constructor(private readonly db: SqliteDatabase) {}

  insert(session: StoredSession): void {
    this.db
      .prepare('INSERT INTO operator_sessions (token_hash, username, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)')
      .run(session.tokenHash, session.username, session.createdAt, session.expiresAt, session.lastSeenAt);
  }

  find(tokenHash: string): SessionWithOperator | undefined {
    const row = this.db
      .prepare(
        `SELECT s.*, o.role, o.towns, o.domains, o.disabled FROM operator_sessions s JOIN operators o ON o.username = s.username WHERE s.token_hash = ?`,
      )
      .get(tokenHash) as Row | undefined;
    if (row === undefined) return undefined;
    return {
      tokenHash: row.token_hash,
      username: row.username,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      lastSeenAt: row.last_seen_at,
      role: row.role,
      towns: JSON.parse(row.towns) as string[],
      domains: JSON.parse(row.domains) as Domain[],
      disabled: row.disabled === 1,
    };
  }

  touch(tokenHash: string, at: number): void {
    this.db.prepare('UPDATE operator_sessions SET last_seen_at = ? WHERE token_hash = ?').run(at, tokenHash);
  }

  delete(tokenHash: string): boolean {
    return this.db.prepare('DELETE FROM operator_sessions WHERE token_hash = ?').run(tokenHash).changes === 1;
  }

  /** Ends every session of the operator except `keep` (the one changing its own password). Returns how many ended. */
  deleteForUser(username: string, keep?: string): number {
    return this.db.prepare('DELETE FROM operator_sessions WHERE username = ? AND token_hash != ?').run(username, keep ?? '').changes;
  }

  /** Removes sessions past their absolute end or idle since before `idleBefore`. */
  deleteExpired(now: number, idleBefore: number): number {
    return this.db.prepare('DELETE FROM operator_sessions WHERE expires_at <= ? OR last_seen_at < ?').run(now, idleBefore).changes;
  }

  /** Live sessions of the operator: seen since `idleSince` and not past their absolute end at `now`. */
  countFor(username: string, idleSince: number, now: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM operator_sessions WHERE username = ? AND last_seen_at >= ? AND expires_at > ?').get(username, idleSince, now) as { n: number }).n;
  }
}
