import { formatDuration, HubLogger } from '@hub/common';
import type { RetentionConfig } from '@hub/config';
import type { RetentionPolicyAdmin } from '@hub/influx';
import { planRetention, refusalOf, type DroppingShrink } from './retention-plan';

/** A retention change that would drop data and is not confirmed: the hub does not start with it. */
export class RetentionChangeRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetentionChangeRefusedError';
  }
}

/** The raw readings' policy, as the downsampler and the readings API need to name it. */
export interface AppliedRetention {
  readonly rawPolicy: string;
}

/**
 * Makes InfluxDB keep each resolution as configured, at every start (so a changed setting is applied by a restart):
 * creates the aggregate and backfill policies, alters durations. A shorter period than InfluxDB keeps now that would
 * drop data (the policy holds points older than the new cutoff) is refused unless HUB_RETENTION_CONFIRM names it;
 * a shrink that drops nothing yet, and every longer period, is applied and logged.
 */
export async function applyRetention(admin: RetentionPolicyAdmin, config: RetentionConfig, configuredRawPolicy: string | undefined, logger: HubLogger, now = Date.now()): Promise<AppliedRetention> {
  const current = await admin.list();
  const rawPolicy = configuredRawPolicy ?? current.find((info) => info.isDefault)?.name;
  if (rawPolicy === undefined) throw new RetentionChangeRefusedError(`Database "${admin.database}" has no default retention policy to keep the raw readings in; set INFLUX_RETENTION_POLICY`);
  if (!current.some((info) => info.name === rawPolicy)) {
    throw new RetentionChangeRefusedError(`INFLUX_RETENTION_POLICY=${rawPolicy}: database "${admin.database}" has no such retention policy (it has ${current.map((info) => info.name).join(', ')})`);
  }
  const changes = planRetention(current, rawPolicy, config.keepMs);
  const dropping: DroppingShrink[] = [];
  for (const change of changes.filter((candidate) => candidate.shrinks)) {
    const cutoffMs = now - change.toMs;
    const older = await admin.olderThan(change.policy, cutoffMs);
    if (older !== null) dropping.push({ change, cutoffMs, older });
  }
  const refusal = refusalOf(dropping, config.confirmed, admin.database);
  if (refusal !== undefined) throw new RetentionChangeRefusedError(refusal);
  for (const change of changes) {
    if (change.action === 'create') await admin.create(change.policy, change.toMs, change.shardGroupDurationMs);
    else await admin.alter(change.policy, change.toMs, change.shardGroupDurationMs);
    const confirmedDrop = dropping.find((entry) => entry.change === change);
    logger.log({
      msg: change.action === 'create' ? 'Retention policy created' : 'Retention policy changed',
      policy: change.policy,
      resolution: change.resolution,
      from: change.fromMs === null ? undefined : change.fromMs === 0 ? 'forever' : formatDuration(change.fromMs),
      to: formatDuration(change.toMs),
      ...(confirmedDrop === undefined ? {} : { drops: `${confirmedDrop.older.measurements.join(', ')} older than ${new Date(confirmedDrop.cutoffMs).toISOString()} (confirmed)` }),
    });
  }
  return { rawPolicy };
}
