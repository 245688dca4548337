import type { Domain } from '@hub/contract';
import type { Executor, Store } from '@hub/store';
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

/** Operator sessions in the hub's database (table `operator_sessions`): they survive a restart of the service. */
export class SessionRepository {
  constructor(private readonly store: Store) {}

  async insert(session: StoredSession, exec: Executor = this.store.db): Promise<void> {
    await exec
      .insertInto('operator_sessions')
      .values({ token_hash: session.tokenHash, username: session.username, created_at: session.createdAt, expires_at: session.expiresAt, last_seen_at: session.lastSeenAt })
      .execute();
  }

  async find(tokenHash: string, exec: Executor = this.store.db): Promise<SessionWithOperator | undefined> {
    const row = await exec
      .selectFrom('operator_sessions as s')
      .innerJoin('operators as o', 'o.username', 's.username')
      .select(['s.token_hash', 's.username', 's.created_at', 's.expires_at', 's.last_seen_at', 'o.role', 'o.towns', 'o.domains', 'o.disabled'])
      .where('s.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      tokenHash: row.token_hash,
      username: row.username,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      lastSeenAt: row.last_seen_at,
      role: row.role as Role,
      towns: JSON.parse(row.towns) as string[],
      domains: JSON.parse(row.domains) as Domain[],
      disabled: row.disabled === 1,
    };
  }

  async touch(tokenHash: string, at: number, exec: Executor = this.store.db): Promise<void> {
    await exec.updateTable('operator_sessions').set({ last_seen_at: at }).where('token_hash', '=', tokenHash).execute();
  }

  async delete(tokenHash: string, exec: Executor = this.store.db): Promise<boolean> {
    const result = await exec.deleteFrom('operator_sessions').where('token_hash', '=', tokenHash).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Ends every session of the operator except `keep` (the one changing its own password). Returns how many ended. */
  async deleteForUser(username: string, keep?: string, exec: Executor = this.store.db): Promise<number> {
    const result = await exec
      .deleteFrom('operator_sessions')
      .where('username', '=', username)
      .where('token_hash', '!=', keep ?? '')
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Removes sessions at or past their absolute end, or last seen at or before `idleBefore` (now − the idle timeout):
   * exactly those OperatorSessions.resolve refuses.
   */
  async deleteExpired(now: number, idleBefore: number, exec: Executor = this.store.db): Promise<number> {
    const result = await exec
      .deleteFrom('operator_sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Live sessions of the operator: seen after `idleSince` (now − the idle timeout) and not at their absolute end at `now`. */
  async countFor(username: string, idleSince: number, now: number, exec: Executor = this.store.db): Promise<number> {
    const { n } = await exec
      .selectFrom('operator_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('username', '=', username)
      .where('last_seen_at', '>', idleSince)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Live sessions per operator (those with none are absent), in one query: what a list of operators shows. */
  async countLive(idleSince: number, now: number, exec: Executor = this.store.db): Promise<Map<string, number>> {
    const rows = await exec
      .selectFrom('operator_sessions')
      .select((eb) => ['username', eb.fn.countAll<number>().as('n')])
      .where('last_seen_at', '>', idleSince)
      .where('expires_at', '>', now)
      .groupBy('username')
      .execute();
    return new Map(rows.map((row) => [row.username, Number(row.n)]));
  }
}
