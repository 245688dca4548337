import type { AreaLevel } from '@hub/api-types';

/** A town (parent null: the county's) or a village of a town, as the areas table keeps it. */
export interface Area {
  /** `Town` or `Town/Village`: the key every scope and device names it by. */
  readonly path: string;
  readonly name: string;
  readonly parent: string | null;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
}

export function levelOf(area: Pick<Area, 'parent'>): AreaLevel {
  return area.parent === null ? 'town' : 'village';
}

/** The path of an area named `name` under `parent` (null: a town). */
export function childPath(parent: string | null, name: string): string {
  return parent === null ? name : `${parent}/${name}`;
}
