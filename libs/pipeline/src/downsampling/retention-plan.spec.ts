import type { RetentionPolicyInfo } from '@hub/influx';
import { planRetention, refusalOf } from './retention-plan';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KEEP = { raw: 30 * DAY, '1m': 396 * DAY, '1h': 3653 * DAY };
const policy = (name: string, durationMs: number, shardGroupDurationMs: number, isDefault = false): RetentionPolicyInfo => ({ name, durationMs, shardGroupDurationMs, isDefault });

describe('planRetention', () => {
  it('on a fresh database creates the aggregate and backfill policies and shortens the raw one from forever', () => {
    expect(planRetention([policy('autogen', 0, 7 * DAY, true)], 'autogen', KEEP)).toEqual([
      { resolution: 'raw', policy: 'autogen', action: 'alter', fromMs: 0, toMs: 30 * DAY, shardGroupDurationMs: DAY, shrinks: true },
      { resolution: '1m', policy: 'hub_1m', action: 'create', fromMs: null, toMs: 396 * DAY, shardGroupDurationMs: 7 * DAY, shrinks: false },
      { resolution: '1m', policy: 'hub_backfill', action: 'create', fromMs: null, toMs: 396 * DAY, shardGroupDurationMs: 7 * DAY, shrinks: false },
      { resolution: '1h', policy: 'hub_1h', action: 'create', fromMs: null, toMs: 3653 * DAY, shardGroupDurationMs: 7 * DAY, shrinks: false },
    ]);
  });

  it('changes nothing when the policies match; a longer period is a change that shrinks nothing', () => {
    const current = [policy('autogen', 30 * DAY, DAY, true), policy('hub_1m', 396 * DAY, 7 * DAY), policy('hub_backfill', 396 * DAY, 7 * DAY), policy('hub_1h', 3653 * DAY, 7 * DAY)];
    expect(planRetention(current, 'autogen', KEEP)).toEqual([]);
    expect(planRetention(current, 'autogen', { ...KEEP, raw: 60 * DAY })).toEqual([
      { resolution: 'raw', policy: 'autogen', action: 'alter', fromMs: 30 * DAY, toMs: 60 * DAY, shardGroupDurationMs: DAY, shrinks: false },
    ]);
    expect(planRetention(current, 'autogen', { ...KEEP, raw: HOUR })).toEqual([
      { resolution: 'raw', policy: 'autogen', action: 'alter', fromMs: 30 * DAY, toMs: HOUR, shardGroupDurationMs: HOUR, shrinks: true },
    ]);
  });
});

describe('refusalOf', () => {
  const shrink = { resolution: 'raw' as const, policy: 'autogen', action: 'alter' as const, fromMs: DAY, toMs: HOUR, shardGroupDurationMs: HOUR, shrinks: true };
  const dropping = [{ change: shrink, cutoffMs: Date.parse('2026-12-06T17:00:00Z'), older: { oldestMs: Date.parse('2026-12-06T14:00:00Z'), measurements: ['power', 'water'] } }];

  it('names the setting, the policy, what it keeps now, what would be dropped and the confirmation that applies it', () => {
    expect(refusalOf(dropping, {}, 'county_sensing')).toBe(
      'Retention change refused, nothing was changed:\n' +
        '  - HUB_RETENTION_RAW=1h is shorter than what retention policy "autogen" of database "county_sensing" keeps now (1d): ' +
        'InfluxDB would drop the raw readings older than 2026-12-06T17:00:00.000Z, which power, water hold from 2026-12-06T14:00:00.000Z on.\n' +
        'To apply it and drop that data, set HUB_RETENTION_CONFIRM=raw=1h; to keep the data, set the period back.',
    );
  });

  it('lets a shrink through only when the confirmation names exactly its new period', () => {
    expect(refusalOf(dropping, { raw: HOUR }, 'db')).toBeUndefined();
    expect(refusalOf(dropping, { raw: 2 * HOUR }, 'db')).toContain('HUB_RETENTION_CONFIRM=raw=1h');
    expect(refusalOf([], {}, 'db')).toBeUndefined();
  });
});
