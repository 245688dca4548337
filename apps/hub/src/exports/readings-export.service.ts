import { AccessDeniedError, describeScope, type Principal } from '@hub/access';
import type { ExportAudit } from './export-audit';
import { DomainError, quoted, ZonedTimeFormatter } from '@hub/common';
import type { ReadingSource } from '@hub/api-types';
import type { CatalogueSource } from '@hub/contract';
import type { InfluxSeries } from '@hub/influx';
import { AREA_PATH_RULE, describeArea, formatAreaPath, parseAreaPath, scopeCoversArea } from '../areas/area-path';
import type { AreaDirectory } from '../areas/area-directory';
import { AreaNotFoundError } from '../areas/area-rollup.errors';
import { planBuckets } from '../devices/reading-buckets';
import { planResolution, type RawPolicies, type StoredResolutions } from '../devices/reading-resolution';
import { fileTime, PieceBuffer, type CsvExport } from './csv-export';
import { coarsestOf, describeResolution, describeSources, readingsExportStatements, type ExportResolution, type ReadingsSelection } from './readings-export.query';
import { AggregateRecords, rawReadingRecords, readingHeader } from './readings-export.rows';

/** At most this many devices named in one export (the list becomes one InfluxQL condition per domain). */
export const MAX_EXPORT_DEVICES = 1_000;
/** Rows per piece InfluxDB streams (`chunk_size`): ~1 MB of JSON, parsed and written before the next is read. */
export const INFLUX_CHUNK_ROWS = 10_000;

export interface ReadingsExportRequest {
  /** Device ids (the caller may see each), or: */
  readonly devices?: readonly string[];
  /** A town or `Town/Village`. */
  readonly area?: string;
  /** With `area`: only this domain's readings (default: every domain of the caller's scope). */
  readonly domain?: string;
  readonly from?: number;
  readonly to?: number;
  readonly resolution: ExportResolution;
}

export interface ReadingsExportDeps {
  /** One device as the caller may see it: 404 unknown, 403 outside their scope (DeviceQueryService.get). */
  readonly device: (principal: Pick<Principal, 'name' | 'scope'>, deviceId: string) => { readonly deviceId: string; readonly domain: string | null };
  readonly areas: AreaDirectory;
  readonly catalogue: CatalogueSource;
  /** One SELECT streamed from InfluxDB, pulled piece by piece; aborted with `signal`. */
  readonly stream: (influxql: string, signal: AbortSignal) => AsyncIterable<InfluxSeries>;
  /** What is aggregated how far, and where raw readings are: the readings API's (DownsamplingService). */
  readonly stored: StoredResolutions & RawPolicies;
  readonly audit: ExportAudit;
  readonly timeZone: string;
  readonly now?: () => number;
}

/** A readings export the request cannot make (400). */
export class ExportRequestError extends DomainError {
  readonly kind = 'invalid';

  constructor(message: string) {
    super(message);
    this.name = 'ExportRequestError';
  }
}

/**
 * Readings exports (GET /api/exports/readings.csv): the readings of some devices or of a town or village over a
 * range, raw or aggregated per bucket, streamed from InfluxDB into CSV one piece at a time. Scoped like the reads
 * they stand for: a device like GET /api/devices/:id/readings (404 unknown, 403 outside the caller's towns or
 * domains), an area like the roll-ups (403 unless wholly within the caller's towns; a domain outside their domains
 * 403; 404 for an area the registry does not know, after the scope check). An aggregate reads what the readings API
 * reads (planResolution: hours, minutes, then raw readings for the recent rest), a raw export the raw and the backfill
 * policies; the X-Hub-Resolution headers say which. Every export is in the audit log, with who asked for what range
 * and the sources that serve it, before the first byte is read.
 */
export class ReadingsExportService {
  constructor(private readonly deps: ReadingsExportDeps) {}

  async prepare(principal: Pick<Principal, 'name' | 'scope'>, request: ReadingsExportRequest): Promise<CsvExport> {
    if (request.from === undefined) throw new ExportRequestError('Missing query parameter from: the start of the range (epoch ms or ISO-8601)');
    const { resolution } = request;
    // The range rules of the readings API (order, InfluxDB's time range); no bucket limit, as nothing is held.
    const buckets = planBuckets({ from: request.from, to: request.to, everyMs: resolution.kind === 'aggregate' ? resolution.everyMs : 1_000 }, { max: Number.POSITIVE_INFINITY, noun: 'buckets' }, (this.deps.now ?? Date.now)());
    const { from, to } = buckets;
    const plan = this.plan(principal, request);
    // The plan of the readings API: the coarsest stored resolution that serves the buckets, finer ones for the rest.
    const sources: readonly ReadingSource[] = resolution.kind === 'aggregate' ? planResolution(buckets, this.deps.stored, this.deps.timeZone).sources : [{ resolution: 'raw', from, to }];
    const every = describeResolution(resolution);
    await this.deps.audit.record({
      actor: principal.name,
      action: 'export.readings',
      targetType: plan.targetType,
      targetId: plan.targetId,
      detail: {
        ...plan.detail,
        domains: plan.queries.map((query) => query.domain),
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        every,
        resolution: coarsestOf(sources),
        sources: sources.map((source) => ({ resolution: source.resolution, from: new Date(source.from).toISOString(), to: new Date(source.to).toISOString() })),
      },
    });
    const { stored: policies, timeZone } = this.deps;
    const queries = plan.queries.map(({ domain, selection }) => ({ domain, statements: readingsExportStatements({ domain, selection, resolution, sources, policies, timeZone }) }));
    const deps = this.deps;
    return {
      fileName: `readings-${plan.fileLabel}-${every}-${fileTime(from)}-${fileTime(to)}.csv`,
      headers: { 'X-Hub-Resolution': coarsestOf(sources), 'X-Hub-Resolution-Sources': describeSources(sources) },
      async *pieces(signal: AbortSignal): AsyncGenerator<string> {
        const catalogue = deps.catalogue.current();
        const localTime = new ZonedTimeFormatter(deps.timeZone);
        const buffer = new PieceBuffer(readingHeader(resolution));
        for (const { domain, statements } of queries) {
          const units = new Map<string, string>();
          const unitOf = (metric: string): string => {
            let unit = units.get(metric);
            if (unit === undefined) units.set(metric, (unit = catalogue.metricSpec(domain, metric)?.unit ?? ''));
            return unit;
          };
          const context = { domain, unitOf, localTime };
          // One source after the other, each streamed: rows come grouped per source (a straddled bucket in the later one).
          const aggregate = resolution.kind === 'aggregate' ? new AggregateRecords(context, resolution.everyMs) : null;
          for (const [index, { source, influxql }] of statements.entries()) {
            const last = index === statements.length - 1;
            for await (const series of deps.stream(influxql, signal)) {
              const { text, rows } = aggregate === null ? rawReadingRecords(series, context) : aggregate.add(series, source, last);
              const piece = buffer.add(text, rows);
              if (piece !== undefined) yield piece;
            }
            if (aggregate === null) continue;
            const { text, rows } = aggregate.release(last ? undefined : source.to);
            const piece = buffer.add(text, rows);
            if (piece !== undefined) yield piece;
          }
        }
        const rest = buffer.rest();
        if (rest !== undefined) yield rest;
      },
    };
  }

  private plan(principal: Pick<Principal, 'name' | 'scope'>, request: ReadingsExportRequest): ExportPlan {
    const devices = request.devices ?? [];
    if (devices.length > 0 && request.area !== undefined) throw new ExportRequestError('Give devices or area, not both');
    if (devices.length > 0) {
      if (request.domain !== undefined) throw new ExportRequestError('domain is for an area export; the devices’ own domains are used');
      return this.devicesPlan(principal, devices);
    }
    if (request.area !== undefined) return this.areaPlan(principal, request.area, request.domain);
    throw new ExportRequestError('Missing query parameter devices or area: which readings to export (device ids separated by commas, or a town or Town/Village)');
  }

  private devicesPlan(principal: Pick<Principal, 'name' | 'scope'>, deviceIds: readonly string[]): ExportPlan {
    const unique = [...new Set(deviceIds)];
    if (unique.length > MAX_EXPORT_DEVICES) throw new ExportRequestError(`devices names ${unique.length} devices; at most ${MAX_EXPORT_DEVICES} per export (or export their town)`);
    const byDomain = new Map<string, string[]>();
    for (const id of unique) {
      // 404 / 403 exactly as GET /api/devices/:id/readings answers them.
      const { domain } = this.deps.device(principal, id);
      // A device waiting in quarantine without a domain has stored nothing.
      if (domain === null) continue;
      let ids = byDomain.get(domain);
      if (ids === undefined) byDomain.set(domain, (ids = []));
      ids.push(id);
    }
    const queries = [...byDomain].sort(([a], [b]) => a.localeCompare(b)).map(([domain, ids]) => ({ domain, selection: { kind: 'devices', deviceIds: ids } as const }));
    return {
      queries,
      targetType: 'device',
      targetId: unique.length === 1 ? unique[0] : null,
      detail: { devices: unique },
      fileLabel: unique.length === 1 ? unique[0] : `${unique.length}-devices`,
    };
  }

  private areaPlan(principal: Pick<Principal, 'name' | 'scope'>, path: string, domain: string | undefined): ExportPlan {
    const area = parseAreaPath(path);
    if (area === undefined || area.level === 'county') throw new ExportRequestError(`Invalid query parameter area=${quoted(path, 100)}: expected ${AREA_PATH_RULE}`);
    const { scope } = principal;
    const outside = (name: string): boolean => scope.domains.length > 0 && !(scope.domains as readonly string[]).includes(name);
    if (domain !== undefined && outside(domain)) throw new AccessDeniedError(`${domain} readings are outside the scope of ${principal.name} (${describeScope(scope)})`);
    if (!scopeCoversArea(scope, area)) {
      throw new AccessDeniedError(`${describeArea(area)} is not wholly within the scope of ${principal.name} (${describeScope(scope)}); export the parts of it in your scope`);
    }
    if (!this.deps.areas.exists(area)) throw new AreaNotFoundError(`No area ${quoted(path, 100)}: not a town or village of the county`);
    const domains = domain !== undefined ? [domain] : this.deps.catalogue.current().domains().filter((name) => !outside(name));
    const selection = { kind: 'area', town: area.town, village: area.level === 'village' ? area.village : null } as const;
    return {
      queries: domains.map((name) => ({ domain: name, selection })),
      targetType: 'area',
      targetId: formatAreaPath(area),
      detail: { area: formatAreaPath(area) },
      // Area names may be Chinese: the file name says only that it is an area, the audit entry and the rows say which.
      fileLabel: 'area',
    };
  }
}

interface ExportPlan {
  readonly queries: ReadonlyArray<{ readonly domain: string; readonly selection: ReadingsSelection }>;
  readonly targetType: 'device' | 'area';
  readonly targetId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly fileLabel: string;
}
