import { connectAsync } from 'mqtt';
import type { AreaRollupView, DeviceReadings, ReadingSeries, ReadingSource } from '@hub/api-types';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { send, bearer } from '../harness/operators';
import { deviceLogin } from '../harness/provision';
import { waitFor } from '../harness/wait-for';

const DATABASE = 'downsampling';
const MINUTE = 60_000;
const HOUR = 3_600_000;
/**
 * The hour the readings are in, three hours back: inside a raw period of 1d, and once the raw period is 1h its shard
 * group (1h long, as the hub sets for periods under 2d) ended more than an hour ago, so InfluxDB drops it.
 */
const B = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const iso = (t: number): string => new Date(t).toISOString();

interface Sent {
  readonly ts: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Ten minutes of readings, three a minute; pressure every time, flow once a minute. Values are multiples of 0.25, so
 * every sum is exact in binary and the means below are the same division InfluxDB's answer makes.
 */
const SENT: Sent[] = Array.from({ length: 10 }, (_, minute) =>
  [0, 1, 2].map((k) => ({ ts: B + minute * MINUTE + k * 15_000, metrics: { pressure_kpa: 300 + 2.5 * minute + 0.25 * k, ...(k === 0 ? { flow_m3h: 20 + minute } : {}) } })),
).flat();
/** Arrives after its minute was aggregated: a new least pressure in minute 2. */
const LATE: Sent = { ts: B + 2 * MINUTE + 40_000, metrics: { pressure_kpa: 50 } };
/** Arrives once the raw period is 1h: older than it, so it goes to the backfill; a new greatest pressure in minute 5. */
const OLDER_THAN_RAW: Sent = { ts: B + 5 * MINUTE + 10_000, metrics: { pressure_kpa: 400 } };

/** What the readings API must answer per bucket, computed from what the test sent: mean = sum / count, min, max, count. */
function expected(sent: readonly Sent[], bucketMs: number): Record<string, ReadingSeries> {
  const units: Record<string, string> = { pressure_kpa: 'kPa', flow_m3h: 'm³/h' };
  const result: Record<string, ReadingSeries> = {};
  for (const metric of Object.keys(units)) {
    const buckets = new Map<number, number[]>();
    for (const reading of [...sent].sort((a, b) => a.ts - b.ts)) {
      const value = reading.metrics[metric];
      if (value === undefined) continue;
      const bucket = Math.floor(reading.ts / bucketMs) * bucketMs;
      buckets.set(bucket, [...(buckets.get(bucket) ?? []), value]);
    }
    const times = [...buckets.keys()].sort((a, b) => a - b);
    const values = (t: number) => buckets.get(t) as number[];
    result[metric] = {
      unit: units[metric],
      points: times.map((t) => [t, values(t).reduce((a, b) => a + b, 0) / values(t).length]),
      min: times.map((t) => [t, Math.min(...values(t))]),
      max: times.map((t) => [t, Math.max(...values(t))]),
      count: times.map((t) => [t, values(t).length]),
    };
  }
  return result;
}

/**
 * Retention and downsampling against the real service and a real influxd (retention check every second): readings
 * three hours old are aggregated per minute and hour by the hub, a chart reads them from the aggregates with the
 * exact mean, min, max and count, a late reading is shown at once and re-aggregated into its minute, a shorter raw
 * period is refused until confirmed, and once applied InfluxDB drops the raw readings while the aggregates keep
 * answering — and a reading older than the new raw period still lands in its minute.
 */
describe('retention and downsampling (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  const publish = async (readings: readonly Sent[]): Promise<void> => {
    const client = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, 'ds-1', 'water', { town: 'Ashford' })), reconnectPeriod: 0 });
    // PUBACK: the readings are in InfluxDB (and the minutes of late ones marked).
    await client.publishAsync('sensors/water/ds-1/telemetry', JSON.stringify(readings), { qos: 1 });
    await client.endAsync();
  };
  const readings = async (from: number, to: number, every: string): Promise<DeviceReadings> => {
    const { status, body } = await hub.get<DeviceReadings>(`/api/devices/ds-1/readings?from=${iso(from)}&to=${iso(to)}&every=${every}`);
    expect(status).toBe(200);
    return body;
  };
  const servedBy = (body: DeviceReadings): ReadingSource[] => [...body.sources];
  const policies = async () => Object.fromEntries((await influxd.query(DATABASE, `SHOW RETENTION POLICIES ON "${DATABASE}"`))[0].values.map((row) => [row[0], row[1]]));
  /** Points of ds-1 in a policy: its pressure readings, or with field count_pressure_kpa its minute aggregates. */
  const count = async (from: string, field = 'pressure_kpa'): Promise<number> => {
    const series = await influxd.query(DATABASE, `SELECT count("${field}") FROM ${from} WHERE "device_id" = 'ds-1'`);
    return series.length === 0 ? 0 : Number(series[0].values[0][1]);
  };

  beforeAll(async () => {
    influxd = await InfluxdProcess.start({ retentionCheckInterval: '1s' });
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: DATABASE,
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_TIME_ZONE: 'UTC',
      HUB_RETENTION_RAW: '1d',
      HUB_DOWNSAMPLE_INTERVAL: '300ms',
      HUB_DOWNSAMPLE_DELAY: '0s',
    });
    await publish(SENT);
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  it('sets up the retention policies at start: raw readings 1d, minutes ~13 months, hours 10 years, the backfill as long as the minutes', async () => {
    expect(await policies()).toEqual({ autogen: '24h0m0s', hub_1m: '9504h0m0s', hub_backfill: '9504h0m0s', hub_1h: '87672h0m0s' });
  });

  it('serves a chart from the minute and hour aggregates with the exact mean, min, max and count of what was sent', async () => {
    const minutes = await waitFor(() => readings(B, B + 10 * MINUTE, '1m'), (body) => body.resolution === '1m' && body.sources.length === 1, 15_000, 'minutes aggregated');
    expect(servedBy(minutes)).toEqual([{ resolution: '1m', from: B, to: B + 10 * MINUTE }]);
    expect(minutes.metrics).toEqual(expected(SENT, MINUTE));
    // Written out for minute 0: pressure 300, 300.25, 300.5.
    expect(minutes.metrics.pressure_kpa.points[0]).toEqual([B, 300.25]);

    const hours = await waitFor(() => readings(B, B + HOUR, '1h'), (body) => body.resolution === '1h' && body.sources.length === 1, 15_000, 'hour aggregated');
    expect(servedBy(hours)).toEqual([{ resolution: '1h', from: B, to: B + HOUR }]);
    expect(hours.metrics).toEqual(expected(SENT, HOUR));
    expect(hours.metrics.pressure_kpa.count).toEqual([[B, 30]]);

    // Whole-minute buckets but not whole hours: minutes serve them. Seconds: raw readings.
    expect((await readings(B, B + 10 * MINUTE, '5m')).resolution).toBe('1m');
    expect((await readings(B, B + 10 * MINUTE, '5m')).metrics).toEqual(expected(SENT, 5 * MINUTE));
    const raw = await readings(B, B + 10 * MINUTE, '30s');
    expect([raw.resolution, raw.metrics]).toEqual(['raw', expected(SENT, 30_000)]);

    // /metrics: how far each resolution is aggregated, nothing waiting.
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toContain('hub_downsample_waiting_buckets{resolution="1m"} 0');
    const until = Number(/hub_downsample_aggregated_until_seconds\{resolution="1m"\} (\d+)/.exec(metrics)?.[1]);
    expect(until * 1000).toBeGreaterThan(B + HOUR);
    expect(until * 1000).toBeLessThanOrEqual(Date.now());
  });

  it('shows a late reading at once (its minute read raw until re-aggregated) and then re-aggregates its minute and hour', async () => {
    await publish([LATE]);
    const now = await readings(B, B + 10 * MINUTE, '1m');
    expect(now.metrics).toEqual(expected([...SENT, LATE], MINUTE));
    // Either still waiting (minutes 2… read raw) or already re-aggregated: both answer the same.
    expect([
      [{ resolution: '1m', from: B, to: B + 2 * MINUTE }, { resolution: 'raw', from: B + 2 * MINUTE, to: B + 10 * MINUTE }],
      [{ resolution: '1m', from: B, to: B + 10 * MINUTE }],
    ]).toContainEqual(servedBy(now));

    const minutes = await waitFor(() => readings(B, B + 10 * MINUTE, '1m'), (body) => body.sources.length === 1, 15_000, 'late minute re-aggregated');
    expect(minutes.metrics).toEqual(expected([...SENT, LATE], MINUTE));
    // In the minute policy itself: minute 2 now counts four pressures, the least 50.
    const [stored] = await influxd.query(DATABASE, `SELECT "count_pressure_kpa", "min_pressure_kpa", "sum_pressure_kpa" FROM "hub_1m"."water" WHERE time = ${B + 2 * MINUTE}ms`);
    expect(stored.values).toEqual([[B + 2 * MINUTE, 4, 50, 305 + 305.25 + 305.5 + 50]]);
    const hours = await waitFor(() => readings(B, B + HOUR, '1h'), (body) => body.resolution === '1h' && body.sources.length === 1, 15_000, 'late hour re-aggregated');
    expect(hours.metrics).toEqual(expected([...SENT, LATE], HOUR));
  });

  it('refuses to start with a shorter raw period that would drop readings, naming them, and changes nothing', async () => {
    await hub.stop();
    hub.env.HUB_RETENTION_RAW = '1h';
    const error = (await hub.launch().catch((caught: Error) => caught)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('hub exited with code 78 before it was ready:');
    expect(error.message).toMatch(
      new RegExp(
        'Retention change refused, nothing was changed:\\n' +
          `  - HUB_RETENTION_RAW=1h is shorter than what retention policy "autogen" of database "${DATABASE}" keeps now \\(1d\\): ` +
          'InfluxDB would drop the raw readings older than \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, ' +
          `which water hold from ${iso(B).replace(/\./g, '\\.')} on\\.\\n` +
          'To apply it and drop that data, set HUB_RETENTION_CONFIRM=raw=1h; to keep the data, set the period back\\.',
      ),
    );
    expect((await policies()).autogen).toBe('24h0m0s');
    expect(await count('"autogen"."water"')).toBe(SENT.length + 1);
  });

  it('applies it when confirmed: InfluxDB drops the raw readings, the aggregates remain and answer the whole range exactly', async () => {
    hub.env.HUB_RETENTION_CONFIRM = 'raw=1h';
    await hub.launch();
    expect((await policies()).autogen).toBe('1h0m0s');
    await waitFor(() => count('"autogen"."water"'), (left) => left === 0, 20_000, 'raw readings dropped by InfluxDB');
    expect(await count('"hub_1m"."water"', 'count_pressure_kpa')).toBe(10);

    const minutes = await readings(B, B + 10 * MINUTE, '1m');
    expect(servedBy(minutes)).toEqual([{ resolution: '1m', from: B, to: B + 10 * MINUTE }]);
    expect(minutes.metrics).toEqual(expected([...SENT, LATE], MINUTE));
    const hours = await readings(B - HOUR, B + 2 * HOUR, '1h');
    expect([hours.resolution, hours.metrics]).toEqual(['1h', expected([...SENT, LATE], HOUR)]);
    // Raw readings are gone: a chart in seconds has nothing to show, and says it read raw readings.
    const raw = await readings(B, B + 10 * MINUTE, '30s');
    expect([raw.resolution, raw.metrics]).toEqual(['raw', {}]);

    // The roll-up reads the same aggregates, in one statement.
    const { status, body } = await send<AreaRollupView>(hub, 'GET', `/api/areas/Ashford/rollup?metric=pressure_kpa&domain=water&agg=mean&from=${iso(B)}&to=${iso(B + HOUR)}&every=1h`, bearer(hub.adminKey));
    expect(status).toBe(200);
    const all = [...SENT, LATE].map((reading) => reading.metrics.pressure_kpa);
    expect([body.resolution, body.sources, body.total.points]).toEqual(['1h', [{ resolution: '1h', from: B, to: B + HOUR }], [{ t: iso(B), value: all.reduce((a, b) => a + b, 0) / all.length, devices: 1 }]]);
    // Up to now: hours, then minutes and raw readings for the last hour, merged per device in one statement.
    for (const [agg, value] of [['max', Math.max(...all)], ['min', 50], ['sum', all.reduce((a, b) => a + b, 0) / all.length], ['count', 1]] as const) {
      const upToNow = await send<AreaRollupView>(hub, 'GET', `/api/areas/Ashford/rollup?metric=pressure_kpa&domain=water&agg=${agg}&from=${iso(B)}&to=${iso(Date.now())}&every=1h`, bearer(hub.adminKey));
      expect(upToNow.status).toBe(200);
      expect(upToNow.body.resolution).toBe('1h');
      expect(upToNow.body.sources.length).toBeGreaterThanOrEqual(2);
      expect(upToNow.body.sources.at(-1)?.resolution).toBe('raw');
      expect(upToNow.body.total.points[0]).toEqual({ t: iso(B), value, devices: 1 });
    }
  });

  it('keeps a reading older than the raw period: it goes to the backfill and into its minute and hour', async () => {
    await publish([OLDER_THAN_RAW]);
    expect(await count('"hub_backfill"."water"')).toBe(1);
    const all = [...SENT, LATE, OLDER_THAN_RAW];
    const minutes = await waitFor(() => readings(B, B + 10 * MINUTE, '1m'), (body) => body.sources.length === 1 && body.metrics.pressure_kpa.count[5][1] === 4, 15_000, 'backfilled minute aggregated');
    expect(minutes.metrics).toEqual(expected(all, MINUTE));
    // Its raw neighbours are gone, yet minute 5 keeps their three readings and adds the fourth.
    expect(minutes.metrics.pressure_kpa.max[5]).toEqual([B + 5 * MINUTE, 400]);
    const hours = await waitFor(() => readings(B, B + HOUR, '1h'), (body) => body.sources.length === 1 && body.metrics.pressure_kpa.count[0][1] === 32, 15_000, 'backfilled hour aggregated');
    expect(hours.metrics).toEqual(expected(all, HOUR));
  });
});
