import { placeOfPath } from '@hub/common';
import type { CatalogueSource } from '@hub/contract';
import type { InfluxSeries } from '@hub/influx';
import { areaContains, parseAreaPath, type AreaPath } from '../areas/area-path';
import { alertFigures, availabilityOf, metricFigures, type DomainAvailability, type MetricFigures, type ReportedAlert, type ReportFigures } from './report-figures';
import type { ReportPeriod } from './report-period';
import { activityFromSeries, edgesInfluxQl, metricSummaryInfluxQl, silencesInfluxQl, summaryFromSeries, type ReportSelection } from './report-queries';

/** A device of the registry, as a report counts it. */
export interface RegisteredDevice {
  readonly deviceId: string;
  readonly domain: string | null;
  readonly town: string | null;
  readonly village: string | null;
  readonly kind: string;
  readonly status: string;
  readonly expectedIntervalS: number | null;
}

export interface ReportGeneratorDeps {
  readonly devices: () => readonly RegisteredDevice[];
  readonly catalogue: CatalogueSource;
  /** One InfluxQL request (several statements may be joined by `;`). */
  readonly query: (influxql: string) => Promise<InfluxSeries[]>;
  readonly alerts: (area: { town: string | null; village: string | null }, domain: string | null, start: number, end: number) => Promise<ReportedAlert[]>;
  /** The retention policy of raw readings as set up at start (INFLUX_RETENTION_POLICY); null or absent: the database's default. */
  readonly rawPolicy?: () => string | null;
}

/**
 * The figures of one report: availability from the registry and InfluxDB, alerts from the alert store, key figures
 * from InfluxDB. Per domain: one request for the devices' first and last readings, one for their longest silences,
 * and one per metric of the catalogue — never a query per device.
 */
export class ReportGenerator {
  constructor(private readonly deps: ReportGeneratorDeps) {}

  async figures(spec: { readonly area: string; readonly domain: string | null }, period: ReportPeriod): Promise<ReportFigures> {
    const area = parseAreaPath(spec.area);
    if (area === undefined) throw new Error(`report area ${JSON.stringify(spec.area)} is not an area path`);
    const catalogue = this.deps.catalogue.current();
    const domains = spec.domain === null ? catalogue.domains() : [spec.domain];
    const registered = this.deps.devices().filter((device) => device.kind === 'device' && device.status === 'active' && inArea(area, device));
    const availability: DomainAvailability[] = [];
    const metrics: MetricFigures[] = [];
    for (const domain of domains) {
      const selection: ReportSelection = { domain, area, start: period.start, end: period.end, rawPolicy: this.deps.rawPolicy?.() ?? null };
      const names = catalogue.metricNames(domain);
      const devices = registered.filter((device) => device.domain === domain);
      const [edges, silences] = names.length === 0 ? [[], []] : [await this.deps.query(edgesInfluxQl(selection, names)), await this.deps.query(silencesInfluxQl(selection))];
      const activity = activityFromSeries(edges, silences);
      if (devices.length > 0 || activity.size > 0) availability.push(availabilityOf(domain, devices.map((device) => ({ deviceId: device.deviceId, expectedIntervalS: device.expectedIntervalS })), activity, period));
      for (const metric of names) {
        const summary = summaryFromSeries(await this.deps.query(metricSummaryInfluxQl(selection, metric)));
        if (summary !== null) metrics.push(metricFigures(domain, metric, catalogue.metricSpec(domain, metric)?.unit ?? '', summary, period.end - period.start));
      }
    }
    const place = placeOfPath(spec.area === '' ? null : spec.area);
    return { availability, alerts: alertFigures(await this.deps.alerts(place, spec.domain, period.start, period.end)), metrics };
  }
}

function inArea(area: AreaPath, device: RegisteredDevice): boolean {
  if (area.level === 'county') return true;
  if (device.town === null) return false;
  const place: AreaPath = device.village === null ? { level: 'town', town: device.town } : { level: 'village', town: device.town, village: device.village };
  return areaContains(area, place);
}
