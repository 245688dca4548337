import type { Severity } from './alerts';

/**
 * A domain's light on an overview tile: `none` (grey) when the area has no device of that domain and no open alert in
 * it; otherwise by the worst open alert there: `critical` (red), `warning` (amber), `ok` (green: none, or info only —
 * info alerts say something worth knowing, not something wrong).
 */
export const DOMAIN_LIGHTS = ['none', 'ok', 'warning', 'critical'] as const;
export type DomainLight = (typeof DOMAIN_LIGHTS)[number];

/** Devices of an area by what presence says of them (see PresenceStatus): reporting + quiet + offline = total. */
export interface AreaDeviceCounts {
  readonly total: number;
  readonly reporting: number;
  readonly quiet: number;
  readonly offline: number;
}

export interface AreaDomainSummary {
  readonly domain: string;
  readonly devices: number;
  readonly openAlerts: number;
  /** The most severe open alert of this domain in the area; null when none is open. */
  readonly worst: Severity | null;
  readonly light: DomainLight;
}

/** One area's line of the overview: its devices, its open alerts (firing or acknowledged) and each domain's light. */
export interface AreaSummary {
  /**
   * The area's path (`Ashford`, `Ashford/Millbrook`). Null for what belongs to no area at that level: among towns,
   * devices and alerts without a town; among a town's villages, those of the town in no village.
   */
  readonly area: string | null;
  readonly devices: AreaDeviceCounts;
  readonly openAlerts: Readonly<Record<Severity, number>>;
  /** One entry per domain of the overview, in its order. */
  readonly domains: readonly AreaDomainSummary[];
}

export interface TownOverview extends AreaSummary {
  /** The town's villages by name, then (area null) what is in the town but in no village, when there is any. */
  readonly villages: readonly AreaSummary[];
}

/**
 * GET /api/overview: every town the caller's scope covers (an Ashford operator: Ashford only), with its villages —
 * from the device registry, presence and the open alerts, all held by the hub (no InfluxDB query).
 */
export interface AreaOverviewView {
  /** When the hub counted (ISO-8601); quiet is judged against this time. */
  readonly generatedAt: string;
  /** A connected device silent this long counts as quiet. */
  readonly quietAfterMs: number;
  /** The domains shown on every tile: the catalogue's within the caller's scope, in its order. */
  readonly domains: readonly string[];
  /** Towns by name; the group of devices without a town (area null) last, when there is one. */
  readonly towns: readonly TownOverview[];
}
