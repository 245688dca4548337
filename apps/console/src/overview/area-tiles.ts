import type { AreaSummary, DomainLight, FleetDevice } from '@hub/api-types';

const LIGHT_RANK: Readonly<Record<DomainLight, number>> = { none: 0, ok: 1, warning: 2, critical: 3 };

/** The tile's own colour: its worst domain light (a tile with no device at all stays grey). */
export function worstLight(summary: Pick<AreaSummary, 'domains'>): DomainLight {
  return summary.domains.reduce<DomainLight>((worst, domain) => (LIGHT_RANK[domain.light] > LIGHT_RANK[worst] ? domain.light : worst), 'none');
}

/** `Ashford/Millbrook` → `Millbrook`: an area's own name, the last part of its path. */
export function areaName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A town's page; the name percent-encoded, as every area path in a URL is. */
export function townHref(town: string): string {
  return `/areas/${encodeURIComponent(town)}`;
}

/**
 * A device's village. The registry's `village` field comes with the county → town → village hierarchy; until a hub
 * sends it, every device counts as in no village.
 */
export function villageOf(device: FleetDevice & { readonly village?: string | null }): string | null {
  return device.village ?? null;
}
