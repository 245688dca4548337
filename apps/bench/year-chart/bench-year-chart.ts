import { performance } from 'node:perf_hooks';
import type { DeviceReadings } from '@hub/api-types';
import { HubProcess, InfluxdProcess, waitFor } from '@hub/test-harness';

/**
 * `npm run bench:year-chart`: a year of one water meter's readings every 15 s (2.1 million points, two metrics) in a
 * real influxd, aggregated by the real service's downsampler, then last year's chart in day buckets asked three ways,
 * 5 times each after one warm-up: InfluxDB over the raw readings (the statement the readings API sends for a raw
 * source), InfluxDB over the hour aggregates (the one it sends for an hourly source), and the readings API itself
 * (which picks the hour aggregates). Prints the medians. Option: --days N (default 365).
 */
const DATABASE = 'bench_year';
const INTERVAL_MS = 15_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const LINES_PER_WRITE = 50_000;
const RUNS = 5;

async function main(): Promise<void> {
  const daysIndex = process.argv.indexOf('--days');
  const days = daysIndex < 0 ? 365 : Number(process.argv[daysIndex + 1]);
  const to = Math.floor(Date.now() / HOUR) * HOUR;
  const from = to - days * DAY;
  const influxd = await InfluxdProcess.start();
  let hub: HubProcess | undefined;
  try {
    await influxd.createDatabase(DATABASE);
    const written = performance.now();
    let points = 0;
    for (let start = from; start < to; start += LINES_PER_WRITE * INTERVAL_MS) {
      const lines: string[] = [];
      for (let ts = start; ts < Math.min(to, start + LINES_PER_WRITE * INTERVAL_MS); ts += INTERVAL_MS) {
        const phase = (ts % DAY) / DAY;
        lines.push(`water,device_id=yr-1 pressure_kpa=${(400 + 60 * Math.sin(2 * Math.PI * phase)).toFixed(2)},flow_m3h=${(120 + 80 * Math.sin(2 * Math.PI * phase - 1)).toFixed(2)} ${ts}`);
      }
      const response = await fetch(`${influxd.url}/write?db=${DATABASE}&precision=ms`, { method: 'POST', body: lines.join('\n') });
      if (response.status !== 204) throw new Error(`write refused: ${response.status} ${await response.text()}`);
      points += lines.length;
    }
    const writeSeconds = (performance.now() - written) / 1000;

    // Raw readings kept longer than the year, so the start keeps them (no shrink) and aggregates all of them.
    const started = performance.now();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: DATABASE,
      HUB_RETENTION_RAW: `${days + 30}d`,
      HUB_RETENTION_MINUTE: `${days + 30}d`,
      HUB_DOWNSAMPLE_INTERVAL: '100ms',
      HUB_DOWNSAMPLE_DELAY: '0s',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_TIME_ZONE: 'UTC',
    });
    const provisioned = await hub.request<unknown>('POST', '/api/devices/import', [{ deviceId: 'yr-1', domain: 'water' }]);
    if (provisioned.status >= 300) throw new Error(`provisioning failed: ${provisioned.status} ${JSON.stringify(provisioned.body)}`);
    const hubRef = hub;
    await waitFor(
      async () => Number(/hub_downsample_aggregated_until_seconds\{resolution="1h"\} (\d+)/.exec(await (await fetch(`${hubRef.httpUrl}/metrics`)).text())?.[1] ?? 0) * 1000,
      (until) => until >= to,
      30 * 60_000,
      'the year aggregated',
    );
    const aggregateSeconds = (performance.now() - started) / 1000;

    const where = `WHERE "device_id" = 'yr-1' AND time >= ${from}ms AND time < ${to}ms GROUP BY time(86400000ms) fill(none)`;
    const rawStatement = `SELECT sum(*), count(*), min(*), max(*) FROM "autogen"."water", "hub_backfill"."water" ${where}`;
    const hourStatement = `SELECT sum(/^sum_/), sum(/^count_/), min(/^min_/), max(/^max_/) FROM "hub_1h"."water" ${where}`;
    const api = async (): Promise<DeviceReadings> => {
      const { status, body } = await hubRef.get<DeviceReadings>(`/api/devices/yr-1/readings?from=${from}&to=${to}&every=1d`);
      if (status !== 200) throw new Error(`readings API answered ${status}`);
      return body;
    };
    const apiAnswer = await api();
    const rows = async (statement: string) => (await influxd.query(DATABASE, statement)).reduce((total, entry) => total + entry.values.length, 0);
    const results = [
      { what: 'InfluxDB, raw readings', ms: await median(() => influxd.query(DATABASE, rawStatement)), buckets: await rows(rawStatement) },
      { what: 'InfluxDB, hour aggregates', ms: await median(() => influxd.query(DATABASE, hourStatement)), buckets: await rows(hourStatement) },
      { what: `readings API (resolution ${apiAnswer.resolution})`, ms: await median(api), buckets: apiAnswer.metrics.pressure_kpa?.points.length ?? 0 },
    ];
    console.log(`${points.toLocaleString('en')} raw points over ${days} days written in ${writeSeconds.toFixed(1)} s; the hub aggregated them (minutes, then hours) in ${aggregateSeconds.toFixed(1)} s`);
    console.log(`sources of the API's answer: ${JSON.stringify(apiAnswer.sources.map((source) => `${source.resolution} ${new Date(source.from).toISOString()}…${new Date(source.to).toISOString()}`))}`);
    console.log('| last year per day | median of 5 | buckets |');
    console.log('|---|---|---|');
    for (const result of results) console.log(`| ${result.what} | ${result.ms.toFixed(0)} ms | ${result.buckets} |`);
  } finally {
    await hub?.cleanup();
    await influxd.cleanup();
  }
}

/** Median wall time of RUNS calls after one warm-up call. */
async function median(call: () => Promise<unknown>): Promise<number> {
  await call();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
