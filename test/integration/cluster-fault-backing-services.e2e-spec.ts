import type { DeviceSimulator } from '@hub/devices-sim';
import { clusterFleet, untilEveryNodeKnows } from '../harness/cluster-fleet';
import { ClusterProcess } from '../harness/cluster-process';
import { expectEveryAcknowledgedReadingStored } from '../harness/no-loss-assertions';
import { OpenMqttClients } from '../harness/open-mqtt-clients';
import { deviceLogin, subscriberLogin } from '../harness/provision';
import { httpGet } from '../harness/server-process';
import { waitFor } from '../harness/wait-for';

/**
 * Issue 21, the shared services failing under load: Redis stopped and started again, and the PostgreSQL primary
 * killed with its synchronous standby promoted, while 60 devices publish QoS 1 through HAProxy (600 readings/s).
 * Acknowledgements may pause; nothing acknowledged may be lost, and no node may crash.
 */
const DEVICES_PER_DOMAIN = 12;
const DEVICES = 5 * DEVICES_PER_DOMAIN;
const READINGS = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The longest stretch without a new acknowledgement while `during` runs, sampled every 50 ms. */
async function longestAckPause(simulator: DeviceSimulator, during: Promise<unknown>): Promise<number> {
  let last = simulator.report().acked;
  let since = Date.now();
  let longest = 0;
  let over = false;
  void during.finally(() => (over = true));
  while (!over) {
    await sleep(50);
    const acked = simulator.report().acked;
    if (acked !== last) {
      longest = Math.max(longest, Date.now() - since);
      last = acked;
      since = Date.now();
    }
  }
  return longest;
}

describe('cluster: Redis restart and PostgreSQL failover under load (3 nodes, primary + synchronous standby)', () => {
  let cluster: ClusterProcess;
  const clients = new OpenMqttClients();

  beforeAll(async () => {
    cluster = await ClusterProcess.start({ nodes: 3, standby: true });
  });
  afterAll(async () => {
    await clients.closeAll();
    await cluster?.cleanup();
  });

  const expectAllNodesLive = async (): Promise<void> => {
    expect(cluster.nodes.map((_, index) => cluster.running(index))).toEqual([true, true, true]);
    const live = await Promise.all(cluster.nodes.map((node) => httpGet(`${node.httpUrl}/api/health/live`)));
    expect(live.map(({ status }) => status)).toEqual([200, 200, 200]);
  };

  const runUnder = async (prefix: string, seed: number, fault: () => Promise<void>): Promise<void> => {
    const simulator = await clusterFleet(cluster, { devicesPerDomain: DEVICES_PER_DOMAIN, idPrefix: prefix, count: READINGS, intervalMs: 100, seed });
    await simulator.start();
    await sleep(4_000);
    const faultDone = fault();
    const pause = await longestAckPause(simulator, Promise.all([faultDone, simulator.done]));
    await faultDone;
    const report = await simulator.done;
    console.log(`${prefix}: longest pause between acknowledgements ${pause} ms; ${report.reconnects} reconnects`);
    expect(report.sent.readings).toBe(DEVICES * READINGS);
    expect(report.acked).toBe(DEVICES * READINGS);
    const { acknowledged, stored } = await expectEveryAcknowledgedReadingStored(cluster.influxd, cluster.influxDatabase, prefix, report.readings ?? []);
    expect(acknowledged).toBe(DEVICES * READINGS);
    expect(stored).toBe(DEVICES * READINGS);
  };

  it('Redis stopped and started again: nothing acknowledged is lost, no node crashes, messages cross nodes again', async () => {
    await runUnder('redis-', 31, async () => {
      await cluster.redis.stop();
      await sleep(2_000);
      await cluster.redis.restart();
    });
    await expectAllNodesLive();
    // The fabric is back: a subscriber on node-1 gets what a device publishes on node-3.
    const received: string[] = [];
    const subscriber = await clients.connect(cluster.nodes[0].mqttUrl, await subscriberLogin(cluster.nodes[0], 'after-redis'), (_, payload) => void received.push(payload.toString('utf8')));
    await subscriber.subscribeAsync('sensors/gas/fabric-gas-1/telemetry', { qos: 1 });
    const fabricLogin = await deviceLogin(cluster.nodes[0], 'fabric-gas-1', 'gas');
    await untilEveryNodeKnows(cluster, ['fabric-gas-1']);
    const device = await clients.connect(cluster.nodes[2].mqttUrl, fabricLogin);
    const message = JSON.stringify({ metrics: { methane_pct_lel: 2 } });
    await device.publishAsync('sensors/gas/fabric-gas-1/telemetry', message, { qos: 1 });
    await waitFor(async () => received, (messages) => messages.length > 0, 5_000, 'the message published on node-3 at the subscriber on node-1');
    expect(received).toEqual([message]);
  });

  it('the PostgreSQL primary killed and its standby promoted: nothing acknowledged is lost, every node writes to the new primary', async () => {
    await runUnder('failover-', 32, () => cluster.failOver());
    await expectAllNodesLive();
    // Each node follows the promotion (its multi-host URL finds the new primary): a write through each one's API.
    for (const [index, node] of cluster.nodes.entries()) {
      const answer = await node.request<{ created: unknown[] }>('POST', '/api/devices/import', [{ deviceId: `after-failover-${index}`, domain: 'water' }]);
      expect({ node: index, status: answer.status, created: answer.body.created.length }).toEqual({ node: index, status: 200, created: 1 });
    }
    const [{ port }] = await cluster.sql<Array<{ port: string }>>`SELECT current_setting('port') AS port`;
    expect(Number(port)).toBe(cluster.standby?.port);
  });
});
