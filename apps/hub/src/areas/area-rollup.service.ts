import { AccessDeniedError, describeScope, type Principal } from '@hub/access';
import { ROLLUP_AGGREGATES, type AreaRollupView, type RollupAggregate } from '@hub/api-types';
import { formatDuration, quoted } from '@hub/common';
import type { CatalogueSource } from '@hub/contract';
import type { InfluxSeries } from '@hub/influx';
import { planBuckets, type BucketRequest } from '../devices/reading-buckets';
import { planResolution, type RawPolicies, type StoredResolutions } from '../devices/reading-resolution';
import type { AreaDirectory } from './area-directory';
import { AREA_PATH_RULE, describeArea, formatAreaPath, parseAreaPath, scopeAreas, scopeCoversArea, scopeTouchesArea } from './area-path';
import { AreaNotFoundError, RollupRequestError } from './area-rollup.errors';
import { resolveRollupMetric } from './rollup-metric';
import { rollupInfluxQl } from './rollup-query';
import { rollupFromSeries } from './rollup-result';

/**
 * At most this many buckets per roll-up: each is a point of the total and of every child (a county of 30 towns at
 * 1,000 buckets answers 31,000 points), and InfluxDB's inner query makes a row per device and bucket.
 */
export const MAX_ROLLUP_BUCKETS = 1_000;

export interface RollupRequest extends BucketRequest {
  readonly metric?: string;
  readonly domain?: string;
  readonly agg?: RollupAggregate;
}

export interface AreaRollupDeps {
  /** One InfluxQL statement to InfluxDB (a failure is the caller's 503). */
  readonly query: (influxql: string) => Promise<InfluxSeries[]>;
  readonly catalogue: CatalogueSource;
  readonly areas: AreaDirectory;
  /** HUB_TIME_ZONE: whole-day and whole-week buckets are the county's. */
  readonly timeZone: string;
  /** What is aggregated (the coarsest resolution that serves the buckets is read); absent: raw readings only. */
  readonly stored?: StoredResolutions & RawPolicies;
  readonly now?: () => number;
}

/**
 * Roll-ups of a metric over an area's devices (GET /api/areas[/{path}]/rollup): one InfluxQL statement grouped by the
 * area's child tag (town or village), never a query per device. Who may see what:
 * - a caller scoped to some domains gets 403 for another domain's metric;
 * - a caller scoped to towns or villages gets 403 for a town or village not wholly within the scope (a town when they
 *   hold only some of its villages), and for the county an answer limited to their areas, saying so in `scopedTo`.
 * An area the directory does not know is a 404, once the scope allowed the caller to ask about it (so a 404 never
 * tells anyone about an area outside their scope).
 */
export class AreaRollupService {
  constructor(private readonly deps: AreaRollupDeps) {}

  async rollup(principal: Pick<Principal, 'name' | 'scope'>, path: string, request: RollupRequest): Promise<AreaRollupView> {
    const area = parseAreaPath(path);
    if (area === undefined) throw new RollupRequestError(`Invalid path parameter path=${quoted(path, 100)}: expected ${AREA_PATH_RULE}`);
    const { domain, metric, unit } = resolveRollupMetric(this.deps.catalogue.current(), request.metric, request.domain);
    const agg = request.agg;
    if (agg === undefined) throw new RollupRequestError(`Missing query parameter agg: expected one of ${ROLLUP_AGGREGATES.join(', ')}`);
    const buckets = planBuckets(request, { max: MAX_ROLLUP_BUCKETS, noun: 'buckets' }, (this.deps.now ?? Date.now)());

    const { scope } = principal;
    if (scope.domains.length > 0 && !scope.domains.includes(domain)) {
      throw new AccessDeniedError(`${domain}.${metric} is outside the scope of ${principal.name} (${describeScope(scope)})`);
    }
    if (area.level !== 'county' && !scopeCoversArea(scope, area)) {
      throw new AccessDeniedError(`${describeArea(area)} is not wholly within the scope of ${principal.name} (${describeScope(scope)}); ask for the parts of it in your scope, or for the county`);
    }
    if (!this.deps.areas.exists(area)) throw new AreaNotFoundError(`No area ${quoted(path, 100)}: not a town or village of the county`);
    // The county for a town-scoped caller: only their towns and villages, in the query and in the children.
    const limitTo = area.level === 'county' ? scopeAreas(scope) : null;
    const children = this.deps.areas.children(area).filter((child) => {
      const childArea = parseAreaPath(child);
      return childArea !== undefined && scopeTouchesArea(scope, childArea);
    });

    const { stored } = this.deps;
    const plan = planResolution(buckets, stored ?? { aggregatedUntil: { '1m': null, '1h': null } }, this.deps.timeZone);
    const series = await this.deps.query(
      rollupInfluxQl({ domain, metric, agg, area, limitTo, buckets: plan, sources: plan.sources, policies: stored, timeZone: this.deps.timeZone }),
    );
    return {
      area: formatAreaPath(area),
      domain,
      metric,
      unit,
      agg,
      every: formatDuration(plan.everyMs),
      from: new Date(plan.from).toISOString(),
      to: new Date(plan.to).toISOString(),
      scopedTo: limitTo === null ? null : limitTo.map(formatAreaPath),
      resolution: plan.resolution,
      sources: plan.sources,
      ...rollupFromSeries(series, agg, area, children),
    };
  }
}
