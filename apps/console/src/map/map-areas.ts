import type { AreaBoundaryFeature, FleetDevice } from '@hub/api-types';

/**
 * A device as the map reads it. `village` is the village within its town (issue 18's hierarchy); it is read when the
 * hub sends it, so the map filters by village once devices carry one.
 */
export type MapDevice = FleetDevice & { readonly village?: string | null };

/** The device's area path: `Town/Village`, `Town`, or '' (the county) for a device without a town. */
export function areaPathOf(device: MapDevice): string {
  if (device.town === null) return '';
  return device.village ? `${device.town}/${device.village}` : device.town;
}

/** Whether the device is in the area: '' is the whole county; a town covers its villages. */
export function inArea(device: MapDevice, area: string): boolean {
  if (area === '') return true;
  const path = areaPathOf(device);
  return path === area || path.startsWith(`${area}/`);
}

/** The areas to filter by: every town and village the devices or the boundaries name, in path order (a town before its villages). */
export function areaChoices(devices: readonly MapDevice[], boundaries: readonly AreaBoundaryFeature[]): string[] {
  const paths = new Set<string>();
  const add = (path: string): void => {
    if (path === '') return;
    paths.add(path.split('/')[0]);
    paths.add(path);
  };
  for (const device of devices) add(areaPathOf(device));
  for (const feature of boundaries) add(feature.properties.area);
  return [...paths].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** The last name of a path: what the map writes inside an outline. */
export function areaName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Degrees rounded to 6 decimals (about 10 cm) when a position is set by a click: no false precision in the registry. */
export function roundDegrees(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
