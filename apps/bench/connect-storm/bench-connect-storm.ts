import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectAsync, type MqttClient } from 'mqtt';
import { HubProcess, InfluxdProcess, PostgresProcess, repoRoot } from '@hub/test-harness';
import { BENCH_PERIMETER_ENV } from '../phase-support';

/**
 * `npm run bench:connect-storm`: a CONNECT storm against the hub on SQLite and on PostgreSQL, side by side in one
 * run — every device of the fleet connecting at once (as after a cellular network's outage), `--concurrency` CONNECTs
 * in flight. A CONNECT is answered from the registry in memory on both, so the figures should match; a query per
 * CONNECT would show here as PostgreSQL falling behind. Prints a table and writes artifacts/bench-connect-storm.json.
 * Options: --devices N (default 2000), --concurrency N (default 200), --rounds N (default 2).
 */
function option(argv: readonly string[], name: string, fallback: number): number {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? Number(argv[index + 1]) : fallback;
}

interface Storm {
  readonly store: string;
  readonly round: number;
  readonly devices: number;
  readonly seconds: number;
  readonly connectsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

async function provision(hub: HubProcess, devices: number): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  for (let start = 0; start < devices; start += 500) {
    const body = Array.from({ length: Math.min(500, devices - start) }, (_, index) => ({ deviceId: `storm-${start + index}`, domain: 'water', town: 'Ashford', site: null }));
    const answer = await hub.request<{ created: Array<{ deviceId: string; secret: string }> }>('POST', '/api/devices/import', body);
    if (answer.status !== 200) throw new Error(`provisioning answered ${answer.status}`);
    for (const { deviceId, secret } of answer.body.created) secrets.set(deviceId, secret);
  }
  return secrets;
}

async function storm(hub: HubProcess, secrets: Map<string, string>, concurrency: number): Promise<{ seconds: number; latencies: number[]; clients: MqttClient[] }> {
  const ids = [...secrets.keys()];
  const latencies: number[] = [];
  const clients: MqttClient[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const before = performance.now();
        clients.push(await connectAsync(hub.mqttUrl, { clientId: id, username: id, password: secrets.get(id), reconnectPeriod: 0, connectTimeout: 30_000, clean: true }));
        latencies.push(performance.now() - before);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies, clients };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const devices = option(argv, 'devices', 2000);
  const concurrency = option(argv, 'concurrency', 200);
  const rounds = option(argv, 'rounds', 2);
  process.stdout.write(`CONNECT storm: ${devices} devices, ${concurrency} in flight, ${rounds} rounds per store; ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}\n`);
  const influxd = await InfluxdProcess.start();
  const postgres = await PostgresProcess.start({ durable: true });
  const results: Storm[] = [];
  try {
    const database = await postgres.createDatabase();
    for (const [store, env] of [['SQLite', {}], ['PostgreSQL', { HUB_DATABASE_URL: database.url }]] as const) {
      const hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'connect_storm', HUB_ALERT_DEFAULT_RULES: 'off', ...BENCH_PERIMETER_ENV, ...env });
      try {
        const secrets = await provision(hub, devices);
        for (let round = 1; round <= rounds; round++) {
          const run = await storm(hub, secrets, concurrency);
          const sorted = [...run.latencies].sort((a, b) => a - b);
          const result: Storm = { store, round, devices, seconds: run.seconds, connectsPerSecond: devices / run.seconds, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
          results.push(result);
          process.stdout.write(`  ${store.padEnd(10)} round ${round}: ${Math.round(result.connectsPerSecond).toLocaleString('en')} CONNECTs/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms\n`);
          await Promise.all(run.clients.map((client) => client.endAsync(true)));
        }
      } finally {
        await hub.cleanup();
      }
    }
  } finally {
    await postgres.cleanup();
    await influxd.cleanup();
  }
  const best = (store: string) => Math.max(...results.filter((result) => result.store === store).map((result) => result.connectsPerSecond));
  process.stdout.write(`PostgreSQL / SQLite, best round: ${(best('PostgreSQL') / best('SQLite')).toFixed(2)}\n`);
  const out = join(repoRoot(), 'artifacts', 'bench-connect-storm.json');
  mkdirSync(join(repoRoot(), 'artifacts'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ devices, concurrency, results }, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
