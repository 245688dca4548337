import type { AlertEventView, AlertView } from '@hub/alerts';
import { alertsOf, call, createRule, ScriptedDevice } from '../harness/alerts-api';
import { ClusterProcess } from '../harness/cluster-process';
import type { HubProcess } from '../harness/hub-process';
import { ScriptedWebhookReceiver } from '../harness/scripted-webhook-receiver';
import { waitFor } from '../harness/wait-for';

/**
 * Issue 21, one alert evaluator: only the holder of the 'alerts' lease (cluster_leases) evaluates rules and sends
 * notifications, and every write it makes is fenced by the lease's epoch. The leader killed as an alert fires, and a
 * leader frozen past its lease and then resumed, must each leave exactly one alert and one notification.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Delivery {
  readonly route: string;
  readonly contactPoint: string;
  readonly outcome: string;
}

/** A device in breach: methane at 35 % LEL (the rules' threshold is 20) every 300 ms until stopped. */
class Breach {
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly device: ScriptedDevice) {
    this.loop = (async () => {
      while (!this.stopped) await Promise.all([device.report({ methane_pct_lel: 35 }, 1, 0), sleep(300)]);
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.device.close();
  }
}

describe('cluster: the alert leader killed or frozen (3 nodes, leader lease with fencing)', () => {
  let cluster: ClusterProcess;
  let receiver: ScriptedWebhookReceiver;
  const breaches: Breach[] = [];

  beforeAll(async () => {
    receiver = await ScriptedWebhookReceiver.start();
    // A 3 s lease renewed every second (the default 10 s / 3 s would double the test's length): the successor takes over
    // 3–4 s after the leader stops renewing.
    cluster = await ClusterProcess.start({ nodes: 3, env: { HUB_ALERT_POLICY_TICK: '200ms', HUB_LEADER_LEASE: '3s', HUB_LEADER_RENEW_EVERY: '1s' } });
    const hub = cluster.nodes[0];
    for (const name of ['duty-killed', 'duty-frozen']) {
      const created = await call(hub, 'POST', '/api/contact-points', { name, kind: 'webhook', settings: { url: receiver.urlOf(name) } });
      if (created.status !== 201) throw new Error(`contact point ${name} refused (${created.status}): ${JSON.stringify(created.body)}`);
    }
    const tree = await call(hub, 'PUT', '/api/notification-policies', {
      contactPoints: [],
      routes: [
        { matchers: { ruleIds: ['leader-killed'] }, contactPoints: ['duty-killed'], groupWaitMs: 0, repeatIntervalMs: 0 },
        { matchers: { ruleIds: ['leader-frozen'] }, contactPoints: ['duty-frozen'], groupWaitMs: 0, repeatIntervalMs: 0 },
      ],
    });
    if (tree.status !== 200) throw new Error(`policy tree refused (${tree.status}): ${JSON.stringify(tree.body)}`);
    for (const [id, deviceId] of [['leader-killed', 'killed-gas-1'], ['leader-frozen', 'frozen-gas-1']]) {
      await createRule(hub, {
        id,
        name: `Methane ${id}`,
        severity: 'critical',
        selector: { domain: 'gas', metric: 'methane_pct_lel', deviceIds: [deviceId] },
        evaluateEvery: '1s',
        condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s' },
      });
    }
  });
  afterAll(async () => {
    await Promise.all(breaches.map((breach) => breach.stop().catch(() => undefined)));
    await cluster?.cleanup();
    await receiver?.close();
  });

  const leaderNow = (): Promise<number> => waitFor(() => cluster.leader(), (leader): leader is number => leader !== null, 20_000, 'a node holding the alerts lease') as Promise<number>;
  const otherThan = (...excluded: number[]): number => [0, 1, 2].find((index) => !excluded.includes(index) && cluster.running(index)) as number;
  const sentOf = async (hub: HubProcess, route: string): Promise<number> =>
    (await call<Delivery[]>(hub, 'GET', '/api/notification-policies/deliveries?limit=1000')).body.filter((delivery) => delivery.route === route && delivery.outcome === 'sent').length;
  const historyOf = async (hub: HubProcess, alert: AlertView): Promise<string[]> => (await call<AlertEventView[]>(hub, 'GET', `/api/alerts/${alert.id}/history`)).body.map((event) => event.kind);

  it('the leader killed as an alert fires: another node takes the lease; one alert, one notification', async () => {
    const leader = await leaderNow();
    const witness = otherThan(leader);
    breaches.push(new Breach(await ScriptedDevice.connect(cluster.nodes[witness], 'gas', 'killed-gas-1')));
    await waitFor(() => alertsOf(cluster.nodes[witness], 'rule=leader-killed'), (alerts) => alerts.length > 0, 15_000, 'the alert raised by the leader');
    await cluster.kill(leader);
    const killedAt = Date.now();
    const successor = await waitFor(() => cluster.leader(), (holder) => holder !== null && holder !== leader, 30_000, 'a new leader');
    console.log(`leader killed: node-${leader + 1} → node-${(successor ?? 0) + 1} holds the lease ${Date.now() - killedAt} ms later`);

    await waitFor(async () => receiver.posts.get('duty-killed') ?? 0, (posts) => posts >= 1, 15_000, 'the notification');
    // The breach goes on under the new leader: it must neither raise the alert again nor notify again.
    await sleep(4_000);
    const alerts = await alertsOf(cluster.nodes[witness], 'rule=leader-killed');
    expect(alerts.map((alert) => [alert.deviceId, alert.state])).toEqual([['killed-gas-1', 'firing']]);
    expect(await historyOf(cluster.nodes[witness], alerts[0])).toEqual(['fired']);
    expect(receiver.posts.get('duty-killed')).toBe(1);
    expect(await sentOf(cluster.nodes[witness], 'routes[0]')).toBe(1);
  });

  it('the leader frozen past its lease and resumed: it writes nothing, the alert and its notification come once', async () => {
    const leader = await leaderNow();
    const witness = otherThan(leader);
    const before = await cluster.lease();
    // Frozen as the breach begins, with its evaluation of it possibly under way; the lease lapses meanwhile.
    breaches.push(new Breach(await ScriptedDevice.connect(cluster.nodes[witness], 'gas', 'frozen-gas-1')));
    await sleep(500);
    cluster.freeze(leader);
    const frozenAt = Date.now();
    const successor = await waitFor(() => cluster.leader(), (holder) => holder !== null && holder !== leader, 30_000, 'a new leader while the old one is frozen');
    console.log(`leader frozen: node-${leader + 1} → node-${(successor ?? 0) + 1} holds the lease ${Date.now() - frozenAt} ms later`);
    await waitFor(async () => receiver.posts.get('duty-frozen') ?? 0, (posts) => posts >= 1, 15_000, 'the notification from the new leader');
    const [alert] = await alertsOf(cluster.nodes[witness], 'rule=leader-frozen');
    const historyBefore = await historyOf(cluster.nodes[witness], alert);

    cluster.thaw(leader);
    // The old leader runs on believing it leads until its own clock or a fenced write tells it otherwise.
    await sleep(5_000);
    const after = await cluster.lease();
    expect(after?.holder).toBe(cluster.nodeId(successor ?? -1));
    expect(after?.epoch).toBeGreaterThan(before?.epoch ?? Number.MAX_SAFE_INTEGER);
    expect((await alertsOf(cluster.nodes[witness], 'rule=leader-frozen')).map((found) => [found.id, found.state])).toEqual([[alert.id, 'firing']]);
    expect(await historyOf(cluster.nodes[witness], alert)).toEqual(historyBefore);
    expect(historyBefore).toEqual(['fired']);
    expect(receiver.posts.get('duty-frozen')).toBe(1);
    expect(await sentOf(cluster.nodes[witness], 'routes[1]')).toBe(1);
    expect(cluster.running(leader)).toBe(true);
  });
});
