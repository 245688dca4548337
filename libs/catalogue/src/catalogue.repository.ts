import { sql } from 'kysely';
import type { Executor, Store } from '@hub/store';

/** A domain an admin added (built-in domains are shipped data, never rows). */
export interface StoredDomain {
  readonly domain: string;
  readonly description: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

/**
 * A metric as an admin defined it: one they added, or a built-in one they changed (its range, band or description;
 * the row then overrides the shipped spec, and the unit stays the shipped one).
 */
export interface StoredMetric {
  readonly domain: string;
  readonly metric: string;
  readonly unit: string;
  readonly description: string;
  readonly range: readonly [number, number];
  readonly typical: readonly [number, number];
  readonly integer: boolean;
  readonly retiredAt: number | null;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

/** The admins' part of the catalogue: read whole at start and after each change (a few hundred rows at most). */
export class CatalogueRepository {
  constructor(private readonly store: Store) {}

  async domains(exec: Executor = this.store.db): Promise<StoredDomain[]> {
    const rows = await exec.selectFrom('catalogue_domains').selectAll().orderBy('position').execute();
    return rows.map((row) => ({ domain: row.domain, description: row.description, createdAt: row.created_at, createdBy: row.created_by }));
  }

  async metrics(exec: Executor = this.store.db): Promise<StoredMetric[]> {
    const rows = await exec.selectFrom('catalogue_metrics').selectAll().orderBy('position').execute();
    return rows.map((row) => ({
      domain: row.domain,
      metric: row.metric,
      unit: row.unit,
      description: row.description,
      range: [row.range_min, row.range_max],
      typical: [row.typical_min, row.typical_max],
      integer: row.integer === 1,
      retiredAt: row.retired_at,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    }));
  }

  async addDomain(domain: StoredDomain, exec: Executor = this.store.db): Promise<void> {
    await exec
      .insertInto('catalogue_domains')
      .values({
        domain: domain.domain,
        description: domain.description,
        position: nextPosition('catalogue_domains'),
        created_at: domain.createdAt,
        created_by: domain.createdBy,
      })
      .execute();
  }

  async saveMetric(metric: StoredMetric, exec: Executor = this.store.db): Promise<void> {
    const values = {
      unit: metric.unit,
      description: metric.description,
      range_min: metric.range[0],
      range_max: metric.range[1],
      typical_min: metric.typical[0],
      typical_max: metric.typical[1],
      integer: metric.integer ? 1 : 0,
      retired_at: metric.retiredAt,
      updated_at: metric.updatedAt,
      updated_by: metric.updatedBy,
    };
    // A metric keeps its position when changed: the catalogue's order is the order metrics were added.
    await exec
      .insertInto('catalogue_metrics')
      .values({ domain: metric.domain, metric: metric.metric, ...values, position: nextPosition('catalogue_metrics') })
      .onConflict((oc) => oc.columns(['domain', 'metric']).doUpdateSet(values))
      .execute();
  }
}

/** One past the table's last position (`position` quoted: a keyword on PostgreSQL). */
function nextPosition(table: 'catalogue_domains' | 'catalogue_metrics') {
  return sql<number>`(SELECT coalesce(max(${sql.ref('position')}), 0) + 1 FROM ${sql.table(table)})`;
}
