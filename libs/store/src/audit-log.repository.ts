import type { Statement } from 'better-sqlite3';
import type { SelectQueryBuilder } from 'kysely';
import type { HubDatabase } from './schema';
import { SqliteDatabase } from './sqlite-database';
import type { Executor } from './store';

/** One change someone made: who, when, what, to which thing. */
export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  /** Operator username or API key name, e.g. `alice` or `key:scada-export`. */
  readonly actor: string;
  /** Dotted verb, e.g. `alert.acknowledge`, `device.provision`, `device.secret.rotate`, `rule.update`. */
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { readonly at?: number };

export interface AuditQuery {
  readonly actor?: string;
  readonly action?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  /** At or after (epoch ms). */
  readonly from?: number;
  /** Before (epoch ms). */
  readonly to?: number;
  /** Entries with an id below this one (paging backwards from the newest). */
  readonly beforeId?: number;
  readonly limit: number;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  detail: string;
}

/**
 * Append-only record of every change made through the API: never updated; deleted only by the pruning job once older
 * than HUB_PRUNE_AUDIT_AFTER (seven years unless set), which audits that it did.
 */
export class AuditLogRepository {
  /** Prepared once: a 10,000-row device import records 10,000 entries (preparing each took 0.45 s of its 1.8 s). */
  private readonly insert: Statement | null;

  /**
   * `db`: the SQLite handle the synchronous methods write to; null on PostgreSQL, where only the methods given an
   * Executor work. The hub itself always passes an Executor (every service is on the store); the synchronous forms
   * remain for tests that seed an SQLite file directly, and go once those are rewritten.
   */
  constructor(private readonly db: SqliteDatabase | null) {
    this.insert = db === null ? null : db.prepare('INSERT INTO audit_log (at, actor, action, target_type, target_id, detail) VALUES (?, ?, ?, ?, ?, ?)');
  }

  /** Recorded by `exec` (the store, or the transaction of the change it records); synchronously on the SQLite handle without one. */
  record(entry: NewAuditEntry): AuditEntry;
  record(entry: NewAuditEntry, exec: Executor): Promise<AuditEntry>;
  record(entry: NewAuditEntry, exec?: Executor): AuditEntry | Promise<AuditEntry> {
    const at = entry.at ?? Date.now();
    const detail = JSON.stringify(entry.detail);
    const recorded = (id: number): AuditEntry => ({ id, at, actor: entry.actor, action: entry.action, targetType: entry.targetType, targetId: entry.targetId, detail: entry.detail });
    if (exec === undefined) {
      const { lastInsertRowid } = this.sync().run(at, entry.actor, entry.action, entry.targetType, entry.targetId, detail);
      return recorded(Number(lastInsertRowid));
    }
    return exec
      .insertInto('audit_log')
      .values({ at, actor: entry.actor, action: entry.action, target_type: entry.targetType, target_id: entry.targetId, detail })
      .returning('id')
      .executeTakeFirstOrThrow()
      .then(({ id }) => recorded(id));
  }

  /**
   * Many entries in a few statements (a 10,000-device import audits every device): in chunks, each one multi-row
   * INSERT, ids in the order given. Answers how many were written.
   */
  async recordMany(entries: readonly NewAuditEntry[], exec: Executor): Promise<number> {
    const now = Date.now();
    // 6 parameters a row: 1,000 rows stay far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
    for (let start = 0; start < entries.length; start += 1000) {
      const rows = entries.slice(start, start + 1000).map((entry) => ({ at: entry.at ?? now, actor: entry.actor, action: entry.action, target_type: entry.targetType, target_id: entry.targetId, detail: JSON.stringify(entry.detail) }));
      await exec.insertInto('audit_log').values(rows).execute();
    }
    return entries.length;
  }

  /** Deletes up to `limit` of the oldest entries written before `cutoff` (epoch ms), by their time index; answers how many. */
  pruneBefore(cutoff: number, limit: number): number;
  pruneBefore(cutoff: number, limit: number, exec: Executor): Promise<number>;
  pruneBefore(cutoff: number, limit: number, exec?: Executor): number | Promise<number> {
    if (exec === undefined) {
      return this.handle().prepare('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?)').run(cutoff, limit).changes;
    }
    const oldest = exec.selectFrom('audit_log').select('id').where('at', '<', cutoff).orderBy('at').limit(limit);
    return exec
      .deleteFrom('audit_log')
      .where('id', 'in', oldest)
      .executeTakeFirst()
      .then((result) => Number(result.numDeletedRows));
  }

  /** Newest first. */
  list(query: AuditQuery): AuditEntry[];
  list(query: AuditQuery, exec: Executor): Promise<AuditEntry[]>;
  list(query: AuditQuery, exec?: Executor): AuditEntry[] | Promise<AuditEntry[]> {
    if (exec === undefined) return this.listSync(query);
    return filtered(exec.selectFrom('audit_log').selectAll(), query)
      .orderBy('id', 'desc')
      .limit(query.limit)
      .execute()
      .then((rows) => rows.map(toEntry));
  }

  private listSync(query: AuditQuery): AuditEntry[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const filters: [string, string | number | undefined][] = [
      ['actor = ?', query.actor],
      ['action = ?', query.action],
      ['target_type = ?', query.targetType],
      ['target_id = ?', query.targetId],
      ['at >= ?', query.from],
      ['at < ?', query.to],
      ['id < ?', query.beforeId],
    ];
    for (const [clause, value] of filters) {
      if (value === undefined) continue;
      where.push(clause);
      params.push(value);
    }
    const sql = `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.handle().prepare(sql).all(...params, query.limit) as AuditRow[]).map(toEntry);
  }

  private sync(): Statement {
    if (this.insert === null) throw new Error('the audit log on PostgreSQL is written through the store (pass an Executor)');
    return this.insert;
  }

  private handle(): SqliteDatabase {
    if (this.db === null) throw new Error('the audit log on PostgreSQL is read through the store (pass an Executor)');
    return this.db;
  }
}

function filtered<O>(query: SelectQueryBuilder<HubDatabase, 'audit_log', O>, filter: AuditQuery): SelectQueryBuilder<HubDatabase, 'audit_log', O> {
  let result = query;
  if (filter.actor !== undefined) result = result.where('actor', '=', filter.actor);
  if (filter.action !== undefined) result = result.where('action', '=', filter.action);
  if (filter.targetType !== undefined) result = result.where('target_type', '=', filter.targetType);
  if (filter.targetId !== undefined) result = result.where('target_id', '=', filter.targetId);
  if (filter.from !== undefined) result = result.where('at', '>=', filter.from);
  if (filter.to !== undefined) result = result.where('at', '<', filter.to);
  if (filter.beforeId !== undefined) result = result.where('id', '<', filter.beforeId);
  return result;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}
