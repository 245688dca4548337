import postgres from 'postgres';
import { runSimulation, type SimulationOptions } from '@hub/devices-sim';
import type { IngestStatsSnapshot } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { expectEveryAcknowledgedReadingStored, stats } from '../harness/no-loss-assertions';
import { PostgresProcess } from '../harness/postgres-process';
import { provisioned } from '../harness/provision';
import { waitFor } from '../harness/wait-for';

/**
 * Durability across node death (issue 21, point 3): two real hub nodes on ONE real PostgreSQL database and one influxd.
 * A batch InfluxDB does not confirm is committed to the shared spool table before its PUBACK; when its node dies, the
 * other node replays it. When PostgreSQL is down too, the local fsync'd spool takes the batch and its node replays it
 * after a restart.
 */
const DATABASE = 'hub_shared_spool';

interface SpoolRows {
  rows: number;
  readings: number;
  nodes: string[];
}

describe('the shared spool: a dead node\'s batches are replayed by another (real PostgreSQL, influxd, two hubs)', () => {
  let pg: PostgresProcess;
  let influxd: InfluxdProcess;
  let sql: postgres.Sql;
  let nodeA: HubProcess;
  let nodeB: HubProcess;
  let influxdFrozen = false;

  const hubEnv = (url: string, nodeId: string): Record<string, string> => ({
    HUB_DATABASE_URL: url,
    HUB_NODE_ID: nodeId,
    INFLUX_URL: influxd.url,
    INFLUX_DATABASE: DATABASE,
    INFLUX_TIMEOUT: '1s',
    HUB_SPOOL_AFTER: '300ms',
    HUB_WRITE_FLUSH_INTERVAL: '50ms',
    HUB_WRITE_RETRY_MAX: '500ms',
    HUB_SPOOL_REPLAY_RATE: '50000',
    // Short, so that the batch the killed node held is taken over within the test.
    HUB_SPOOL_CLAIM_LEASE: '3s',
  });

  const freezeInfluxd = (): void => {
    process.kill(influxd.pid as number, 'SIGSTOP');
    influxdFrozen = true;
  };
  const resumeInfluxd = (): void => {
    process.kill(influxd.pid as number, 'SIGCONT');
    influxdFrozen = false;
  };

  const spoolRows = async (): Promise<SpoolRows> => {
    const [row] = await sql<{ rows: number; readings: number | null; nodes: string[] | null }[]>`
      SELECT COUNT(*)::int AS rows, SUM(lines)::int AS readings, array_agg(DISTINCT node_id) AS nodes FROM ingest_spool`;
    return { rows: row.rows, readings: row.readings ?? 0, nodes: row.nodes ?? [] };
  };

  const simulation = (hub: HubProcess, idPrefix: string, seed: number): Promise<SimulationOptions> =>
    provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['water', 'power', 'gas'],
      devicesPerDomain: 4,
      idPrefix,
      count: 25,
      intervalMs: 20,
      qos: 1,
      clean: false,
      seed,
      recordReadings: true,
    });

  beforeAll(async () => {
    pg = await PostgresProcess.start();
    const { url } = await pg.createDatabase({ name: 'hub' });
    sql = postgres(url, { max: 1, onnotice: () => undefined });
    influxd = await InfluxdProcess.start();
    // One after the other: the first migrates the empty database, the second finds it migrated.
    nodeA = await HubProcess.start(hubEnv(url, 'node-a'));
    nodeB = await HubProcess.start(hubEnv(url, 'node-b'));
  });

  afterAll(async () => {
    if (influxdFrozen) resumeInfluxd();
    await nodeA?.cleanup();
    await nodeB?.cleanup();
    await sql?.end({ timeout: 1 });
    await influxd?.cleanup();
    await pg?.cleanup();
  });

  it('commits unconfirmed batches to PostgreSQL before their PUBACKs; node A killed, node B replays every one of them', async () => {
    const options = await simulation(nodeA, 'stranded-', 3);
    freezeInfluxd();
    const report = await runSimulation(options);
    expect(report.sent.readings).toBe(300);
    expect(report.acked).toBe(300);

    // Every acknowledged reading is in the shared spool, spooled by node A; none reached InfluxDB.
    expect(await spoolRows()).toMatchObject({ readings: 300, nodes: ['node-a'] });
    expect((await spoolRows()).rows).toBeGreaterThan(1);
    const atA = await stats(nodeA);
    expect(atA).toMatchObject({ accepted: 300, sharedSpooled: 300, spooled: 0, written: 0, buffered: 0, balanced: true });
    const health = await nodeB.get<{ spool: { shared: { rows: number; readings: number; oldestAgeMs: number } } }>('/api/health');
    expect(health.body.spool.shared).toMatchObject({ readings: 300 });
    expect(health.body.spool.shared.oldestAgeMs).toBeGreaterThan(0);

    await nodeA.kill();
    resumeInfluxd();

    const drained = await waitFor(spoolRows, (rows) => rows.rows === 0, 30_000, 'the shared spool emptied by node B');
    expect(drained).toEqual({ rows: 0, readings: 0, nodes: [] });
    const atB = await waitFor(() => stats(nodeB), (snapshot) => snapshot.sharedReplayed === 300, 10_000, 'node B accounting for the replay');
    expect(atB).toMatchObject({ accepted: 0, sharedReplayed: 300, written: 300, refusedByInflux: 0, spooled: 0, sharedSpooled: 0, balanced: true });
    const { acknowledged, stored } = await expectEveryAcknowledgedReadingStored(influxd, DATABASE, 'stranded-', report.readings ?? []);
    expect(acknowledged).toBe(300);
    expect(stored).toBe(300);
    const metrics = await (await fetch(`${nodeB.httpUrl}/metrics`)).text();
    expect(metrics).toContain('hub_shared_spool_rows 0');
    expect(metrics).toContain('hub_shared_spool_replayed_readings_total 300');
  });

  it('spools to the local disk while PostgreSQL is down too, and replays those batches after a restart', async () => {
    const options = await simulation(nodeB, 'local-', 4);
    freezeInfluxd();
    await pg.stop();
    const report = await runSimulation(options);
    // A node that died with PostgreSQL (it must not) says why here rather than as a refused connection.
    if (nodeB.exitCode !== null || nodeB.exitSignal !== null) throw new Error(`node B exited (${nodeB.exitCode ?? nodeB.exitSignal}) when PostgreSQL stopped:\n${nodeB.output.slice(-4000)}`);
    expect(report.acked).toBe(300);
    const before = await stats(nodeB);
    // Counted since node B started: test 1's replay (sharedReplayed, written) and these readings, all in the local spool.
    expect(before).toMatchObject({ accepted: 300, spooled: 300, sharedSpooled: 0, sharedReplayed: 300, written: 300, balanced: true });

    // A crash with PostgreSQL and InfluxDB down: the batches wait on node B's disk.
    await nodeB.kill();
    await pg.restart();
    await nodeB.launch();
    const recovered: IngestStatsSnapshot = await stats(nodeB);
    expect(recovered).toMatchObject({ recovered: 300, spooled: 300, written: 0, accepted: 0, balanced: true });
    expect(await spoolRows()).toEqual({ rows: 0, readings: 0, nodes: [] });

    resumeInfluxd();
    const after = await waitFor(() => stats(nodeB), (snapshot) => snapshot.spooled === 0, 30_000, 'node B local spool replayed');
    expect(after).toMatchObject({ recovered: 300, written: 300, spooled: 0, sharedReplayed: 0, balanced: true });
    const { acknowledged, stored } = await expectEveryAcknowledgedReadingStored(influxd, DATABASE, 'local-', report.readings ?? []);
    expect(acknowledged).toBe(300);
    expect(stored).toBe(300);
    expect(await spoolRows()).toEqual({ rows: 0, readings: 0, nodes: [] });
  });

  it('gives its claims back on a graceful stop, so that another node replays those batches at once', async () => {
    await nodeA.launch();
    const options = { ...(await simulation(nodeB, 'stopped-', 5)), count: 10 };
    freezeInfluxd();
    const report = await runSimulation(options);
    expect(report.acked).toBe(120);
    // Node B's replayer holds a batch while it retries the frozen InfluxDB (and node A's, another).
    const claimedBy = async (nodeId: string) => (await sql<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM ingest_spool WHERE claimed_by = ${nodeId}`)[0].n;
    await waitFor(() => claimedBy('node-b'), (claimed) => claimed === 1, 10_000, 'a batch claimed by node B');
    expect(await nodeB.stop()).toBe(0);
    expect(await claimedBy('node-b')).toBe(0);
    expect(await spoolRows()).toMatchObject({ readings: 120, nodes: ['node-b'] });

    resumeInfluxd();
    const drained = await waitFor(spoolRows, (rows) => rows.rows === 0, 30_000, 'the shared spool emptied by node A');
    expect(drained).toEqual({ rows: 0, readings: 0, nodes: [] });
    expect(await waitFor(() => stats(nodeA), (snapshot) => snapshot.sharedReplayed === 120, 10_000, 'node A accounting for the replay')).toMatchObject({
      accepted: 0,
      written: 120,
      balanced: true,
    });
    const { stored } = await expectEveryAcknowledgedReadingStored(influxd, DATABASE, 'stopped-', report.readings ?? []);
    expect(stored).toBe(120);
  });
});
