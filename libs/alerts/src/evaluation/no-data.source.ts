import type { InfluxSeries } from '@hub/influx';
import type { AlertRule, NoDataCondition } from '../rules/alert-rule';
import { aggregateStatement, EvaluationWindow, StatementScope } from './alert-query.builder';
import type { DeviceDirectory } from './device-directory';
import { NoDataDevice, storedActivity, usualInterval } from './no-data.evaluator';

/** Readings older than this are taken from presence rather than read from InfluxDB on every evaluation. */
export const RECENT_WINDOW_MS = 10 * 60_000;
/** The usual intervals of a rule are measured again after a quarter of its baseline. */
const BASELINE_REFRESHES = 4;

interface Baseline {
  readonly revision: number;
  readonly at: number;
  readonly intervals: ReadonlyMap<string, number | null>;
}

/**
 * What a no-data rule needs per device, gathered with as little reading as possible. Every evaluation reads the
 * newest reading per device over the last 10 minutes (one grouped `last()`); anything older comes from device
 * presence, which knows each metric's newest accepted reading anyway. The usual interval (k × which is the silence
 * threshold) changes slowly, so it is measured over the whole baseline (`last()` and `count()` per device) only
 * every quarter baseline and kept in memory — after a restart, the first evaluation measures it again.
 */
export class NoDataSource {
  private readonly baselines = new Map<string, Baseline>();

  constructor(
    private readonly query: (influxql: string) => Promise<InfluxSeries[]>,
    private readonly directory: DeviceDirectory,
  ) {}

  async devices(rule: AlertRule, condition: NoDataCondition, window: EvaluationWindow, scope: string[] | undefined): Promise<NoDataDevice[]> {
    const within = (deviceId: string): boolean => scope === undefined || scope.includes(deviceId);
    const statement = (from: number, aggregate: 'last' | 'count'): string =>
      aggregateStatement(rule, [aggregate], { from, to: window.end, groupByDevice: true, ...(scope === undefined ? {} : { deviceIds: scope }) } satisfies StatementScope);
    const known = new Map(this.directory.devicesIn(rule.selector.domain).map((device) => [device.deviceId, device]));
    let baseline = this.baselines.get(rule.id);
    const stale = baseline === undefined || baseline.revision !== rule.revision || window.now - baseline.at >= condition.baselineMs / BASELINE_REFRESHES;

    const statements = [statement(Math.max(window.start, window.now - RECENT_WINDOW_MS), 'last')];
    if (condition.intervalMultiple !== null && stale) statements.push(statement(window.start, 'last'), statement(window.start, 'count'));
    const answers = await this.query(statements.join('; '));
    // The recent `last` comes first; a device missing from it may still have its (older) last reading in the baseline's.
    const recent = new Map<string, number | null>();
    for (const series of answers) {
      const deviceId = series.tags?.device_id;
      if (deviceId !== undefined && series.columns[1] === 'last' && !recent.has(deviceId)) recent.set(deviceId, Number(series.values[0]?.[0] ?? NaN));
    }
    if (condition.intervalMultiple !== null && stale) {
      const intervals = new Map<string, number | null>();
      for (const [deviceId, activity] of storedActivity(answers)) {
        intervals.set(deviceId, usualInterval(activity.lastTs, activity.count, known.get(deviceId)?.firstSeen ?? null, window.start));
      }
      baseline = { revision: rule.revision, at: window.now, intervals };
      this.baselines.set(rule.id, baseline);
    }

    const metric = rule.selector.metric;
    const devices: NoDataDevice[] = [];
    for (const deviceId of new Set([...recent.keys(), ...known.keys()])) {
      if (!within(deviceId)) continue;
      const storedLastTs = recent.get(deviceId);
      devices.push({
        deviceId,
        storedLastTs: storedLastTs === undefined || Number.isNaN(storedLastTs) ? null : storedLastTs,
        receivedLastTs: known.get(deviceId)?.lastValueTs[metric] ?? null,
        usualIntervalMs: baseline?.intervals.get(deviceId) ?? null,
      });
    }
    return devices;
  }
}
