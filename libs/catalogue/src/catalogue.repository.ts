import type { SqliteDatabase } from '@hub/store';
import type { Statement } from 'better-sqlite3';

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

interface DomainRow {
  domain: string;
  description: string;
  created_at: number;
  created_by: string;
}

interface MetricRow {
  domain: string;
  metric: string;
  unit: string;
  description: string;
  range_min: number;
  range_max: number;
  typical_min: number;
  typical_max: number;
  integer: number;
  retired_at: number | null;
  updated_at: number;
  updated_by: string;
}

/** The admins' part of the catalogue, in SQLite: read whole at start and after each change (a few hundred rows at most). */
export class CatalogueRepository {
  private readonly allDomains: Statement;
  private readonly allMetrics: Statement;
  private readonly insertDomain: Statement;
  private readonly upsertMetric: Statement;

  constructor(private readonly db: SqliteDatabase) {
    this.allDomains = db.prepare('SELECT * FROM catalogue_domains ORDER BY position');
    this.allMetrics = db.prepare('SELECT * FROM catalogue_metrics ORDER BY position');
    this.insertDomain = db.prepare(
      `INSERT INTO catalogue_domains (domain, description, position, created_at, created_by)
       VALUES (@domain, @description, (SELECT coalesce(max(position), 0) + 1 FROM catalogue_domains), @createdAt, @createdBy)`,
    );
    // A metric keeps its position when changed: the catalogue's order is the order metrics were added.
    this.upsertMetric = db.prepare(
      `INSERT INTO catalogue_metrics (domain, metric, unit, description, range_min, range_max, typical_min, typical_max, integer, retired_at, position, updated_at, updated_by)
       VALUES (@domain, @metric, @unit, @description, @rangeMin, @rangeMax, @typicalMin, @typicalMax, @integer, @retiredAt,
               (SELECT coalesce(max(position), 0) + 1 FROM catalogue_metrics), @updatedAt, @updatedBy)
       ON CONFLICT (domain, metric) DO UPDATE SET unit = excluded.unit, description = excluded.description, range_min = excluded.range_min,
         range_max = excluded.range_max, typical_min = excluded.typical_min, typical_max = excluded.typical_max, integer = excluded.integer,
         retired_at = excluded.retired_at, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
  }

  domains(): StoredDomain[] {
    return (this.allDomains.all() as DomainRow[]).map((row) => ({ domain: row.domain, description: row.description, createdAt: row.created_at, createdBy: row.created_by }));
  }

  metrics(): StoredMetric[] {
    return (this.allMetrics.all() as MetricRow[]).map((row) => ({
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

  addDomain(domain: StoredDomain): void {
    this.insertDomain.run(domain);
  }

  saveMetric(metric: StoredMetric): void {
    this.upsertMetric.run({
      domain: metric.domain,
      metric: metric.metric,
      unit: metric.unit,
      description: metric.description,
      rangeMin: metric.range[0],
      rangeMax: metric.range[1],
      typicalMin: metric.typical[0],
      typicalMax: metric.typical[1],
      integer: metric.integer ? 1 : 0,
      retiredAt: metric.retiredAt,
      updatedAt: metric.updatedAt,
      updatedBy: metric.updatedBy,
    });
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}
