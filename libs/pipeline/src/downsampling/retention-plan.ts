import { formatDuration } from '@hub/common';
import type { RetentionConfig } from '@hub/config';
import type { ReadingResolution } from '@hub/contract';
import type { OlderData, RetentionPolicyInfo } from '@hub/influx';
import { AGGREGATE_POLICY, BACKFILL_POLICY, shardGroupDurationFor } from './downsample-tiers';

/** One retention policy to create or alter so that it keeps what the config says. */
export interface PolicyChange {
  readonly resolution: ReadingResolution;
  readonly policy: string;
  readonly action: 'create' | 'alter';
  /** What InfluxDB keeps now: null when the policy does not exist, 0 for forever. */
  readonly fromMs: number | null;
  readonly toMs: number;
  readonly shardGroupDurationMs: number;
  /** A shorter period than now: InfluxDB will drop what is older. */
  readonly shrinks: boolean;
}

const VARIABLE: Readonly<Record<ReadingResolution, string>> = { raw: 'HUB_RETENTION_RAW', '1m': 'HUB_RETENTION_MINUTE', '1h': 'HUB_RETENTION_HOURLY' };
const WHAT: Readonly<Record<ReadingResolution, string>> = { raw: 'raw readings', '1m': 'per-minute aggregates', '1h': 'per-hour aggregates' };

/**
 * The changes that make InfluxDB keep each resolution as configured: the raw policy (which must exist), the minute
 * and hour aggregates' and the backfill's (kept as long as the minutes it feeds). Nothing for a policy already right.
 */
export function planRetention(current: readonly RetentionPolicyInfo[], rawPolicy: string, keepMs: RetentionConfig['keepMs']): PolicyChange[] {
  const wanted: { resolution: ReadingResolution; policy: string; toMs: number }[] = [
    { resolution: 'raw', policy: rawPolicy, toMs: keepMs.raw },
    { resolution: '1m', policy: AGGREGATE_POLICY['1m'], toMs: keepMs['1m'] },
    { resolution: '1m', policy: BACKFILL_POLICY, toMs: keepMs['1m'] },
    { resolution: '1h', policy: AGGREGATE_POLICY['1h'], toMs: keepMs['1h'] },
  ];
  const changes: PolicyChange[] = [];
  for (const { resolution, policy, toMs } of wanted) {
    const existing = current.find((info) => info.name === policy);
    const shardGroupDurationMs = shardGroupDurationFor(toMs);
    if (existing === undefined) {
      changes.push({ resolution, policy, action: 'create', fromMs: null, toMs, shardGroupDurationMs, shrinks: false });
    } else if (existing.durationMs !== toMs || existing.shardGroupDurationMs !== shardGroupDurationMs) {
      const shrinks = existing.durationMs === 0 || toMs < existing.durationMs;
      changes.push({ resolution, policy, action: 'alter', fromMs: existing.durationMs, toMs, shardGroupDurationMs, shrinks: shrinks && existing.durationMs !== toMs });
    }
  }
  return changes;
}

/** A shrink that would drop data, with what it would drop. */
export interface DroppingShrink {
  readonly change: PolicyChange;
  readonly cutoffMs: number;
  readonly older: OlderData;
}

/**
 * Why the hub will not apply the shrinks that drop data without HUB_RETENTION_CONFIRM naming their new period: what
 * each would drop, and the setting that applies it. Undefined when every dropping shrink is confirmed.
 */
export function refusalOf(dropping: readonly DroppingShrink[], confirmed: RetentionConfig['confirmed'], database: string): string | undefined {
  const unconfirmed = dropping.filter(({ change }) => confirmed[change.resolution] !== change.toMs);
  if (unconfirmed.length === 0) return undefined;
  const lines = unconfirmed.map(({ change, cutoffMs, older }) => {
    const from = change.fromMs === 0 ? 'forever' : formatDuration(change.fromMs ?? 0);
    return (
      `${VARIABLE[change.resolution]}=${formatDuration(change.toMs)} is shorter than what retention policy "${change.policy}" of database "${database}" keeps now (${from}): ` +
      `InfluxDB would drop the ${WHAT[change.resolution]} older than ${new Date(cutoffMs).toISOString()}, which ${older.measurements.join(', ')} hold from ${new Date(older.oldestMs).toISOString()} on.`
    );
  });
  const confirm = [...new Map(unconfirmed.map(({ change }) => [change.resolution, `${change.resolution}=${formatDuration(change.toMs)}`])).values()].join(',');
  return `Retention change refused, nothing was changed:\n  - ${lines.join('\n  - ')}\nTo apply it and drop that data, set HUB_RETENTION_CONFIRM=${confirm}; to keep the data, set the period back.`;
}
