import { connectAsync } from 'mqtt';
import type { DeviceReadings } from '@hub/api-types';
import { readCsv } from '../harness/csv-reader';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { deviceLogin } from '../harness/provision';
import { waitFor } from '../harness/wait-for';

const DATABASE = 'export_resolution';
/** INFLUX_RETENTION_POLICY: the raw readings' own policy, not the database's default. */
const RAW_POLICY = 'field';
const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Three hours back: once the raw period is 1h, InfluxDB drops the shard group of this hour (as in downsampling.e2e-spec). */
const B = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const iso = (t: number): string => new Date(t).toISOString();
const UNITS: Record<string, string> = { flow_m3h: 'm³/h', pressure_kpa: 'kPa' };

interface Sent {
  readonly device: string;
  readonly ts: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Ten minutes of ex-1, three pressures a minute and a flow once a minute; ex-2 four minutes of pressure. Multiples of 0.25: exact sums. */
const SENT: Sent[] = [
  ...Array.from({ length: 10 }, (_, minute) =>
    [0, 1, 2].map((k) => ({ device: 'ex-1', ts: B + minute * MINUTE + k * 15_000, metrics: { pressure_kpa: 300 + 2.5 * minute + 0.25 * k, ...(k === 0 ? { flow_m3h: 20 + minute } : {}) } })),
  ).flat(),
  ...[0, 1, 2, 3].map((minute) => ({ device: 'ex-2', ts: B + minute * MINUTE + 5_000, metrics: { pressure_kpa: 250 - minute } })),
];
/** Arrives once the raw period is 1h: older than it, so the hub writes it to hub_backfill (tag backfilled=true). Minute 5's greatest. */
const BACKFILLED: Sent = { device: 'ex-1', ts: B + 5 * MINUTE + 10_000, metrics: { pressure_kpa: 400 } };

/**
 * The rows an aggregate export must hold, computed from what the test sent: per device, bucket and metric (in that
 * order) the mean (sum / count), min, max and count.
 */
function expectedRows(sent: readonly Sent[], bucketMs: number): string[][] {
  const buckets = new Map<string, { device: string; t: number; metric: string; values: number[] }>();
  for (const reading of sent) {
    for (const [metric, value] of Object.entries(reading.metrics)) {
      const t = Math.floor(reading.ts / bucketMs) * bucketMs;
      const key = `${reading.device} ${String(t).padStart(15, '0')} ${metric}`;
      const bucket = buckets.get(key) ?? { device: reading.device, t, metric, values: [] };
      bucket.values.push(value);
      buckets.set(key, bucket);
    }
  }
  return [...buckets.keys()].sort().map((key) => {
    const { device, t, metric, values } = buckets.get(key)!;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return [iso(t), iso(t).replace('Z', '+00:00'), 'water', device, 'Ashford', '', '', metric, UNITS[metric], String(mean), String(Math.min(...values)), String(Math.max(...values)), String(values.length)];
  });
}

/** Device, time and metric order, for an export whose rows come grouped per source. */
const byDeviceTimeMetric = (a: string[], b: string[]): number => a[3].localeCompare(b[3]) || a[0].localeCompare(b[0]) || a[7].localeCompare(b[7]);

/**
 * Exports read what the readings API reads, against the real service and a real influxd whose retention check runs
 * every second: raw readings in a configured raw policy (INFLUX_RETENTION_POLICY) and in the backfill, aggregates
 * from the minute and hour policies once InfluxDB has dropped the raw readings, and a range up to now from hours,
 * minutes and raw readings, each bucket written once with the figures of all its readings.
 */
describe('exports by resolution (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  const publish = async (readings: readonly Sent[]): Promise<void> => {
    for (const device of [...new Set(readings.map((reading) => reading.device))]) {
      const client = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, device, 'water', { town: 'Ashford' })), reconnectPeriod: 0 });
      const own = readings.filter((reading) => reading.device === device).map(({ ts, metrics }) => ({ ts, metrics }));
      // PUBACK: the readings are in InfluxDB.
      await client.publishAsync(`sensors/water/${device}/telemetry`, JSON.stringify(own), { qos: 1 });
      await client.endAsync();
    }
  };
  const exportCsv = async (query: string): Promise<{ headers: Headers; rows: string[][] }> => {
    const response = await fetch(`${hub.httpUrl}/api/exports/readings.csv?${query}`, { headers: hub.adminHeaders });
    expect(response.status).toBe(200);
    const [, ...rows] = readCsv(await response.text());
    return { headers: response.headers, rows };
  };
  const readings = async (device: string, from: number, to: number, every: string): Promise<DeviceReadings> => (await hub.get<DeviceReadings>(`/api/devices/${device}/readings?from=${iso(from)}&to=${iso(to)}&every=${every}`)).body;
  const count = async (from: string): Promise<number> => {
    const series = await influxd.query(DATABASE, `SELECT count("pressure_kpa") FROM ${from} WHERE "device_id" = 'ex-1'`);
    return series.length === 0 ? 0 : Number(series[0].values[0][1]);
  };

  beforeAll(async () => {
    influxd = await InfluxdProcess.start({ retentionCheckInterval: '1s' });
    await influxd.createDatabase(DATABASE);
    await influxd.query(DATABASE, `CREATE RETENTION POLICY "${RAW_POLICY}" ON "${DATABASE}" DURATION 1d REPLICATION 1`);
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: DATABASE,
      INFLUX_RETENTION_POLICY: RAW_POLICY,
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

  it('exports raw readings from the configured raw policy, not the database’s default', async () => {
    expect([await count(`"${RAW_POLICY}"."water"`), await count('"autogen"."water"')]).toEqual([30, 0]);
    const { headers, rows } = await exportCsv(`devices=ex-1,ex-2&from=${iso(B)}&to=${iso(B + 10 * MINUTE)}`);
    expect([headers.get('x-hub-resolution'), headers.get('x-hub-resolution-sources')]).toEqual(['raw', `raw ${iso(B)}/${iso(B + 10 * MINUTE)}`]);
    const expected = SENT.flatMap(({ device, ts, metrics }) => Object.keys(metrics).map((metric) => [iso(ts), device, metric, String(metrics[metric])]));
    expect(rows.map((row) => [row[0], row[3], row[7], row[9]]).sort()).toEqual(expected.sort());
  });

  it('once InfluxDB has dropped the raw readings, exports per minute from the minute aggregates, a backfilled reading added into its minute, and the backfilled reading raw', async () => {
    await waitFor(() => readings('ex-1', B, B + 10 * MINUTE, '1m'), (body) => body.resolution === '1m' && body.sources.length === 1, 15_000, 'minutes aggregated');
    await hub.stop();
    hub.env.HUB_RETENTION_RAW = '1h';
    hub.env.HUB_RETENTION_CONFIRM = 'raw=1h';
    await hub.launch();
    await waitFor(() => count(`"${RAW_POLICY}"."water"`), (left) => left === 0, 20_000, 'raw readings dropped by InfluxDB');
    await publish([BACKFILLED]);
    expect(await count('"hub_backfill"."water"')).toBe(1);
    await waitFor(() => readings('ex-1', B, B + 10 * MINUTE, '1m'), (body) => body.sources.length === 1 && body.metrics.pressure_kpa?.count[5]?.[1] === 4, 15_000, 'backfilled minute aggregated');

    const minutes = await exportCsv(`devices=ex-1,ex-2&from=${iso(B)}&to=${iso(B + 10 * MINUTE)}&every=1m`);
    expect([minutes.headers.get('x-hub-resolution'), minutes.headers.get('x-hub-resolution-sources')]).toEqual(['1m', `1m ${iso(B)}/${iso(B + 10 * MINUTE)}`]);
    // One source: per device, then in time order, the metrics of a bucket in name order.
    expect(minutes.rows).toEqual(expectedRows([...SENT, BACKFILLED], MINUTE));
    // Minute 5 of ex-1: its three raw readings (long dropped) and the backfilled one, weighed alike.
    expect(minutes.rows.find((row) => row[0] === iso(B + 5 * MINUTE) && row[3] === 'ex-1' && row[7] === 'pressure_kpa')?.slice(9)).toEqual([String((312.5 + 312.75 + 313 + 400) / 4), '312.5', '400', '4']);

    // Raw: the raw policy has nothing left of that range; the backfill still has its reading.
    const raw = await exportCsv(`devices=ex-1,ex-2&from=${iso(B)}&to=${iso(B + 10 * MINUTE)}`);
    expect(raw.rows).toEqual([[iso(BACKFILLED.ts), iso(BACKFILLED.ts).replace('Z', '+00:00'), 'water', 'ex-1', 'Ashford', '', '', 'pressure_kpa', 'kPa', '400']]);
  });

  it('exports per hour up to now from hours, minutes and raw readings, each hour once with all its readings, and audits the sources', async () => {
    // A reading from the minute before and one from now: the current hour is made of minutes and raw readings.
    const now = Date.now();
    const recent: Sent[] = [
      { device: 'ex-1', ts: now - MINUTE, metrics: { pressure_kpa: 280.5 } },
      { device: 'ex-1', ts: now, metrics: { pressure_kpa: 281.75, flow_m3h: 3 } },
    ];
    await publish(recent);
    // Wait until the earlier one is in the minutes again (it arrived after its minute was aggregated).
    const minuteOfIt = Math.floor((now - MINUTE) / MINUTE) * MINUTE;
    await waitFor(() => readings('ex-1', minuteOfIt, minuteOfIt + MINUTE, '1m'), (body) => body.resolution === '1m', 15_000, 'the earlier recent minute aggregated');

    const to = Date.now() + MINUTE;
    const { headers, rows } = await exportCsv(`devices=ex-1,ex-2&from=${iso(B - HOUR)}&to=${iso(to)}&every=1h`);
    expect(headers.get('x-hub-resolution')).toBe('1h');
    const sources = (headers.get('x-hub-resolution-sources') ?? '').split(', ').map((source) => source.split(' ')[0]);
    expect(sources[0]).toBe('1h');
    expect(sources.at(-1)).toBe('raw');
    // Rows come grouped per source; each device's hour is there once, with the figures of every reading in it.
    expect([...rows].sort(byDeviceTimeMetric)).toEqual(expectedRows([...SENT, BACKFILLED, ...recent], HOUR).sort(byDeviceTimeMetric));
    expect(rows.find((row) => row[0] === iso(B) && row[3] === 'ex-1' && row[7] === 'pressure_kpa')?.[12]).toBe('31');

    const audit = await hub.get<{ items: Array<{ detail: { every: string; resolution: string; sources: Array<{ resolution: string; from: string; to: string }> } }> }>('/api/audit?action=export.readings');
    const [latest] = audit.body.items;
    expect([latest.detail.every, latest.detail.resolution, latest.detail.sources.map((source) => source.resolution)]).toEqual(['1h', '1h', sources]);
    expect(latest.detail.sources[0].from).toBe(iso(B - HOUR));
  });
});
