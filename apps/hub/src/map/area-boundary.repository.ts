import type { Statement } from 'better-sqlite3';
import type { AreaBoundaryFeature } from '@hub/api-types';
import type { SqliteDatabase } from '@hub/store';

/** The stored boundaries, as one upload left them. */
export interface StoredBoundaries {
  readonly features: AreaBoundaryFeature[];
  /** Null before the first upload. */
  readonly updatedAt: number | null;
  readonly updatedBy: string | null;
}

interface BoundaryRow {
  area: string;
  geometry: string;
  updated_at: number;
  updated_by: string;
}

/**
 * The `area_boundaries` table: one row per area path with its geometry as GeoJSON text. An upload replaces every row
 * in one transaction, so the map never shows half of one file and half of another.
 */
export class AreaBoundaryRepository {
  private readonly all: Statement;
  private readonly clear: Statement;
  private readonly insert: Statement;
  private readonly replaceRows: (features: readonly AreaBoundaryFeature[], at: number, by: string, also: () => void) => void;

  constructor(db: SqliteDatabase) {
    this.all = db.prepare('SELECT * FROM area_boundaries ORDER BY area');
    this.clear = db.prepare('DELETE FROM area_boundaries');
    this.insert = db.prepare('INSERT INTO area_boundaries (area, geometry, updated_at, updated_by) VALUES (?, ?, ?, ?)');
    this.replaceRows = db.transaction((features: readonly AreaBoundaryFeature[], at: number, by: string, also: () => void) => {
      this.clear.run();
      for (const feature of features) this.insert.run(feature.properties.area, JSON.stringify(feature.geometry), at, by);
      also();
    });
  }

  load(): StoredBoundaries {
    const rows = this.all.all() as BoundaryRow[];
    const features = rows.map((row): AreaBoundaryFeature => ({ type: 'Feature', properties: { area: row.area }, geometry: JSON.parse(row.geometry) as AreaBoundaryFeature['geometry'] }));
    return { features, updatedAt: rows[0]?.updated_at ?? null, updatedBy: rows[0]?.updated_by ?? null };
  }

  /** Replaces every boundary; `also` runs in the same transaction (the audit entry). */
  replace(features: readonly AreaBoundaryFeature[], at: number, by: string, also: () => void): void {
    this.replaceRows(features, at, by, also);
  }
}
