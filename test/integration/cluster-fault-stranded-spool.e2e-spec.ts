import { clusterFleet } from '../harness/cluster-fleet';
import { ClusterProcess } from '../harness/cluster-process';
import { expectEveryAcknowledgedReadingStored } from '../harness/no-loss-assertions';
import { waitFor } from '../harness/wait-for';

/**
 * Issue 21, stranded spool: influxd hangs (SIGSTOP), so node-1 acknowledges its devices' readings only once they are
 * committed to the shared spool (ingest_spool in PostgreSQL); then node-1 is killed and influxd comes back. Another
 * node must claim node-1's batches (its claims lapse after HUB_SPOOL_CLAIM_LEASE) and replay every one of them.
 */
const DEVICES_PER_DOMAIN = 10;
const DOMAINS = ['water', 'power', 'gas'] as const;
const DEVICES = DOMAINS.length * DEVICES_PER_DOMAIN;
const READINGS = 20;

describe('cluster: a dead node’s spool is replayed by another (3 nodes, influxd frozen)', () => {
  let cluster: ClusterProcess;

  beforeAll(async () => {
    // A claim must outlast INFLUX_TIMEOUT (2 s): 3 s, so a dead node's batches are free again soon.
    cluster = await ClusterProcess.start({ nodes: 3, env: { HUB_SPOOL_CLAIM_LEASE: '3s', HUB_SPOOL_REPLAY_RATE: '50000' } });
  });
  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('replays every acknowledged reading of the killed node once influxd is back, and empties ingest_spool', async () => {
    cluster.freezeInfluxd();
    // Straight to node-1, not through HAProxy: the node to kill is then the one that spooled.
    const simulator = await clusterFleet(cluster, {
      url: cluster.nodes[0].mqttUrl,
      domains: [...DOMAINS],
      devicesPerDomain: DEVICES_PER_DOMAIN,
      idPrefix: 'stranded-',
      count: READINGS,
      intervalMs: 100,
      seed: 22,
    });
    await simulator.start();
    const report = await simulator.done;
    // Acknowledged with influxd hung: each reading was durable in the shared spool first.
    expect(report.sent.readings).toBe(DEVICES * READINGS);
    expect(report.acked).toBe(DEVICES * READINGS);
    const spooled = await cluster.sharedSpool();
    expect(spooled.lines).toBe(DEVICES * READINGS);
    expect(spooled.nodes).toEqual(['node-1']);
    expect(spooled.rows).toBeGreaterThan(0);

    await cluster.kill(0);
    cluster.thawInfluxd();
    const thawedAt = Date.now();
    await waitFor(() => cluster.sharedSpool(), (spool) => spool.rows === 0, 45_000, 'ingest_spool emptied by the survivors');
    console.log(`stranded spool: ${spooled.rows} batches (${spooled.lines} readings) of node-1 replayed by the survivors ${Date.now() - thawedAt} ms after influxd came back`);

    const { acknowledged, stored } = await expectEveryAcknowledgedReadingStored(cluster.influxd, cluster.influxDatabase, 'stranded-', report.readings ?? []);
    expect(acknowledged).toBe(DEVICES * READINGS);
    expect(stored).toBe(DEVICES * READINGS);
    expect([cluster.running(0), cluster.running(1), cluster.running(2)]).toEqual([false, true, true]);
  });
});
