import { formatAreaPath, type AreaPath } from './area-path';

/**
 * Which areas exist, for the roll-ups: the county's towns and each town's villages. The areas registry (admins' tree,
 * issue 18) answers it; until it is wired, DeviceAreaDirectory knows the areas the device registry's devices are in.
 */
export interface AreaDirectory {
  /** Whether a town or village is known. The county always is. */
  exists(area: AreaPath): boolean;
  /** Paths of the area's children: the county's towns, a town's villages; [] for a village. */
  children(area: AreaPath): string[];
}

export const AREA_DIRECTORY = Symbol('AREA_DIRECTORY');

/** What DeviceAreaDirectory reads of a device; `village` once devices carry one. */
export interface PlacedDevice {
  readonly town: string | null;
  readonly village?: string | null;
}

/**
 * The areas devices are registered in: a town exists while a device is in it, a village while a device is in that
 * village of its town. Provisional: the areas registry replaces it, and knows towns without devices too.
 */
export class DeviceAreaDirectory implements AreaDirectory {
  constructor(private readonly devices: () => readonly PlacedDevice[]) {}

  exists(area: AreaPath): boolean {
    if (area.level === 'county') return true;
    return this.devices().some((device) => device.town === area.town && (area.level === 'town' || device.village === area.village));
  }

  children(area: AreaPath): string[] {
    if (area.level === 'village') return [];
    const paths = new Set<string>();
    for (const { town, village } of this.devices()) {
      if (town === null) continue;
      if (area.level === 'county') paths.add(town);
      else if (town === area.town && village !== undefined && village !== null) paths.add(formatAreaPath({ level: 'village', town, village }));
    }
    return [...paths].sort();
  }
}
