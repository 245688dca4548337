import type { AreaBoundaryFeature } from '@hub/api-types';
import type { Executor, Store } from '@hub/store';

/** The stored boundaries, as one upload left them. */
export interface StoredBoundaries {
  readonly features: AreaBoundaryFeature[];
  /** Null before the first upload. */
  readonly updatedAt: number | null;
  readonly updatedBy: string | null;
}

/** Rows per INSERT: 4 parameters each, far below SQLite's 32,766 and PostgreSQL's 65,535. */
const ROWS_PER_INSERT = 500;

/**
 * The `area_boundaries` table: one row per area path with its geometry as GeoJSON text. An upload replaces every row
 * in one transaction (the caller's), so the map never shows half of one file and half of another.
 */
export class AreaBoundaryRepository {
  constructor(private readonly store: Store) {}

  async load(exec: Executor = this.store.db): Promise<StoredBoundaries> {
    const rows = await exec.selectFrom('area_boundaries').selectAll().orderBy('area').execute();
    const features = rows.map((row): AreaBoundaryFeature => ({ type: 'Feature', properties: { area: row.area }, geometry: JSON.parse(row.geometry) as AreaBoundaryFeature['geometry'] }));
    return { features, updatedAt: rows[0]?.updated_at ?? null, updatedBy: rows[0]?.updated_by ?? null };
  }

  /** Replaces every boundary; give it the transaction that also records the audit entry. */
  async replace(features: readonly AreaBoundaryFeature[], at: number, by: string, exec: Executor = this.store.db): Promise<void> {
    await exec.deleteFrom('area_boundaries').execute();
    for (let start = 0; start < features.length; start += ROWS_PER_INSERT) {
      const rows = features.slice(start, start + ROWS_PER_INSERT).map((feature) => ({ area: feature.properties.area, geometry: JSON.stringify(feature.geometry), updated_at: at, updated_by: by }));
      await exec.insertInto('area_boundaries').values(rows).execute();
    }
  }
}
