import { formatAreaPath, type AreaPath } from './area-path';

/**
 * Which areas exist, for the roll-ups: the county's towns and each town's villages, as the areas registry (the
 * admins' tree) holds them.
 */
export interface AreaDirectory {
  /** Whether a town or village is known. The county always is. */
  exists(area: AreaPath): boolean;
  /** Paths of the area's children: the county's towns, a town's villages; [] for a village. */
  children(area: AreaPath): string[];
}

export const AREA_DIRECTORY = Symbol('AREA_DIRECTORY');

/** What RegistryAreaDirectory reads of the areas registry (AreasService). */
export interface AreaRegistry {
  find(path: string): { readonly parent: string | null } | undefined;
  towns(): ReadonlyArray<{ readonly path: string }>;
  villagesOf(town: string): ReadonlyArray<{ readonly path: string }>;
}

/** The areas an admin registered (GET /api/areas), towns with no device yet included. */
export class RegistryAreaDirectory implements AreaDirectory {
  constructor(private readonly registry: AreaRegistry) {}

  exists(area: AreaPath): boolean {
    if (area.level === 'county') return true;
    const found = this.registry.find(formatAreaPath(area));
    return found !== undefined && (area.level === 'town' ? found.parent === null : found.parent === area.town);
  }

  children(area: AreaPath): string[] {
    if (area.level === 'village') return [];
    return (area.level === 'county' ? this.registry.towns() : this.registry.villagesOf(area.town)).map((child) => child.path);
  }
}
