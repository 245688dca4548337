import { acknowledgedKeys, acknowledgedSince, clusterFleet, connectedClients, timesMarkedDown } from '../harness/cluster-fleet';
import { ClusterProcess } from '../harness/cluster-process';
import { expectEveryAcknowledgedReadingStored, settled } from '../harness/no-loss-assertions';
import { waitFor } from '../harness/wait-for';

/**
 * Issue 21, node death: three hub nodes behind HAProxy, 300 devices with persistent sessions publishing QoS 1 (1,500
 * readings/s in all, for 20 s); one node gets kill -9 mid-run. Its devices reconnect through HAProxy to the other two (their
 * sessions are in Redis) and resend what was not acknowledged; every acknowledged (device, ts) must be in InfluxDB
 * exactly once, and every device must get readings acknowledged after the kill.
 */
const DEVICES_PER_DOMAIN = 60; // × the five built-in domains = 300 devices
const DEVICES = 5 * DEVICES_PER_DOMAIN;
// 20 s of publishing: the devices must still be running when the survivors are counted after the kill.
const READINGS = 100;
const INTERVAL_MS = 200;

describe('cluster: kill -9 of a node under load (3 nodes, PostgreSQL, Redis, HAProxy, influxd)', () => {
  let cluster: ClusterProcess;

  beforeAll(async () => {
    cluster = await ClusterProcess.start({ nodes: 3 });
  });
  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('loses no acknowledged reading, and the dead node’s devices resume on the others', async () => {
    const victim = 1;
    const simulator = await clusterFleet(cluster, { devicesPerDomain: DEVICES_PER_DOMAIN, idPrefix: 'death-', count: READINGS, intervalMs: INTERVAL_MS, seed: 21 });
    await simulator.start();
    // HAProxy spreads them by least connections: every device is on some node, and the victim has its share.
    const spread = await waitFor(() => connectedClients(cluster), (counts) => counts.reduce<number>((sum, count) => sum + (count ?? 0), 0) === DEVICES, 15_000, 'all 300 devices connected');
    expect(spread[victim]).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const ackedBeforeKill = acknowledgedKeys(simulator.report().readings);
    await cluster.kill(victim);
    const killedAt = Date.now();
    // The survivors hold every device again (HAProxy sent the victim's elsewhere, sessions taken over).
    const after = await waitFor(() => connectedClients(cluster), (counts) => (counts[0] ?? 0) + (counts[2] ?? 0) === DEVICES, 20_000, 'the 300 devices on the two survivors').catch(async (error: Error) => {
      throw new Error(`${error.message}; HAProxy took the nodes out ${JSON.stringify(await timesMarkedDown(cluster))} times`, { cause: error });
    });
    console.log(`node death: ${spread.join('/')} devices before, ${after.join('/')} after; all back ${Date.now() - killedAt} ms after the kill; HAProxy took the nodes out ${JSON.stringify(await timesMarkedDown(cluster))} times`);

    const report = await simulator.done;
    expect(report.sent.readings).toBe(DEVICES * READINGS);
    // Persistent sessions: what was in flight at the kill was resent after the reconnect and acknowledged then.
    expect(report.acked).toBe(DEVICES * READINGS);
    expect(report.reconnects).toBeGreaterThanOrEqual(spread[victim] ?? 0);
    const resumed = acknowledgedSince(report.readings, ackedBeforeKill);
    expect([...resumed.values()].filter((count) => count === 0)).toEqual([]);
    expect(resumed.size).toBe(DEVICES);

    for (const survivor of [0, 2]) expect((await settled(cluster.nodes[survivor])).balanced).toBe(true);
    const { acknowledged, stored } = await expectEveryAcknowledgedReadingStored(cluster.influxd, cluster.influxDatabase, 'death-', report.readings ?? []);
    expect(acknowledged).toBe(DEVICES * READINGS);
    expect(stored).toBe(DEVICES * READINGS);
    expect([cluster.running(0), cluster.running(1), cluster.running(2)]).toEqual([true, false, true]);
  });
});
