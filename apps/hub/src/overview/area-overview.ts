import {
  type AreaDomainSummary,
  type AreaOverviewView,
  type AreaSummary,
  type DomainLight,
  presenceStatus,
  QUIET_AFTER_MS,
  type Severity,
  type TownOverview,
} from '@hub/api-types';

/** What the overview needs of a device (a DeviceView fits; `village` is read when the registry has it). */
export interface OverviewDevice {
  readonly deviceId: string;
  readonly domain: string;
  readonly town: string | null;
  readonly village?: string | null;
  readonly online: boolean;
  readonly lastSeen: number | null;
}

/** What the overview needs of an open alert. */
export interface OverviewAlert {
  readonly deviceId: string;
  readonly domain: string;
  readonly town: string | null;
  readonly severity: Severity;
}

export interface OverviewInput {
  /** The devices the caller may see (already scoped). */
  readonly devices: readonly OverviewDevice[];
  /** The open alerts the caller may see (already scoped). */
  readonly openAlerts: readonly OverviewAlert[];
  /** The domains to light on every tile, in order; a domain met among the devices or alerts but not here is added after them. */
  readonly domains: readonly string[];
  /** Area paths to show even without a device or alert (the areas registry's towns and `Town/Village` paths). */
  readonly areas?: readonly string[];
  readonly now: number;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 1, warning: 2, critical: 3 };
const byName = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });

/** The collected devices and alerts of one area before they are counted. */
interface Bucket {
  readonly devices: OverviewDevice[];
  readonly alerts: OverviewAlert[];
}

/**
 * Counts every town (and each town's villages) for the command room's overview: devices reporting, quiet and offline,
 * open alerts by severity, and per domain the light of the worst open alert. Pure: the caller hands it what the
 * caller's scope covers, so the same function serves the county room and a town's own operators.
 *
 * An alert counts in the town it was raised in (its own `town`, which scoping also reads); its village is its device's
 * when the device is still in that town — an alert keeps its town after its device moves, so it stays where it was seen.
 */
export function summariseAreas(input: OverviewInput): AreaOverviewView {
  const domains = [...input.domains];
  for (const thing of [...input.devices, ...input.openAlerts]) if (!domains.includes(thing.domain)) domains.push(thing.domain);

  const towns = new Map<string | null, Map<string | null, Bucket>>();
  const bucket = (town: string | null, village: string | null): Bucket => {
    let villages = towns.get(town);
    if (villages === undefined) towns.set(town, (villages = new Map()));
    let found = villages.get(village);
    if (found === undefined) villages.set(village, (found = { devices: [], alerts: [] }));
    return found;
  };
  for (const path of input.areas ?? []) {
    const [town, village] = path.split('/', 2);
    if (town) bucket(town, village || null);
  }
  const villageOf = new Map<string, OverviewDevice>();
  for (const device of input.devices) {
    const village = device.town === null ? null : (device.village ?? null);
    bucket(device.town, village).devices.push(device);
    villageOf.set(device.deviceId, device);
  }
  for (const alert of input.openAlerts) {
    const device = villageOf.get(alert.deviceId);
    const village = alert.town !== null && device?.town === alert.town ? (device.village ?? null) : null;
    bucket(alert.town, village).alerts.push(alert);
  }

  const summaries: TownOverview[] = [...towns.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : byName(a, b)))
    .map(([town, villages]): TownOverview => {
      const all: Bucket = { devices: [...villages.values()].flatMap((entry) => entry.devices), alerts: [...villages.values()].flatMap((entry) => entry.alerts) };
      const named = [...villages.entries()].filter(([village]) => village !== null).sort(([a], [b]) => byName(a!, b!));
      const loose = villages.get(null);
      const villageSummaries =
        town === null
          ? []
          : [
              ...named.map(([village, entry]) => summarise(`${town}/${village}`, entry, domains, input.now)),
              // What the town holds outside its villages: shown only beside named villages, or when it holds something.
              ...(loose !== undefined && named.length > 0 && (loose.devices.length > 0 || loose.alerts.length > 0) ? [summarise(null, loose, domains, input.now)] : []),
            ];
      return { ...summarise(town, all, domains, input.now), villages: villageSummaries };
    });
  return { generatedAt: new Date(input.now).toISOString(), quietAfterMs: QUIET_AFTER_MS, domains, towns: summaries };
}

function summarise(area: string | null, entry: Bucket, domains: readonly string[], now: number): AreaSummary {
  const statuses = entry.devices.map((device) => presenceStatus(device, now));
  const openAlerts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const alert of entry.alerts) openAlerts[alert.severity]++;
  return {
    area,
    devices: {
      total: statuses.length,
      reporting: statuses.filter((status) => status === 'online').length,
      quiet: statuses.filter((status) => status === 'quiet').length,
      offline: statuses.filter((status) => status === 'offline').length,
    },
    openAlerts,
    domains: domains.map((domain) => domainSummary(domain, entry)),
  };
}

function domainSummary(domain: string, entry: Bucket): AreaDomainSummary {
  const devices = entry.devices.filter((device) => device.domain === domain).length;
  const alerts = entry.alerts.filter((alert) => alert.domain === domain);
  const worst = alerts.reduce<Severity | null>((found, alert) => (found === null || SEVERITY_RANK[alert.severity] > SEVERITY_RANK[found] ? alert.severity : found), null);
  return { domain, devices, openAlerts: alerts.length, worst, light: lightOf(devices, worst) };
}

function lightOf(devices: number, worst: Severity | null): DomainLight {
  if (worst === 'critical' || worst === 'warning') return worst;
  return devices === 0 && worst === null ? 'none' : 'ok';
}
