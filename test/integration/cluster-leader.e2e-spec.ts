import postgres from 'postgres';
import { call, createRule } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { postReadings } from '../harness/http-ingest';
import { InfluxdProcess } from '../harness/influxd-process';
import { PostgresProcess } from '../harness/postgres-process';
import { provisionDevice } from '../harness/provision';
import { ScriptedWebhookReceiver } from '../harness/scripted-webhook-receiver';
import { waitFor } from '../harness/wait-for';

const LEASE_MS = 2_000;
const RENEW_MS = 500;
/** HUB_CONTACT_POINT_TIMEOUT: a send in progress holds its message three times this long. */
const CONTACT_POINT_TIMEOUT_MS = 1_000;
const NODES = ['node-a', 'node-b', 'node-c'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Lease {
  holder: string;
  epoch: number;
}

/**
 * Three real hub nodes on ONE PostgreSQL database and one influxd, a webhook contact point as the outside world. Only
 * the holder of the 'alerts' lease evaluates and notifies; the leader killed (SIGKILL) during a threshold breach, and
 * the leader frozen (SIGSTOP) past its lease and resumed, each still make exactly one alert, one `fired` event and one
 * notification. Readings go in over HTTP ingest to a node that stays up (without Redis each node's MQTT is its own).
 */
describe('one alert evaluator in a cluster (3 hubs, real PostgreSQL, real influxd)', () => {
  let database: PostgresProcess;
  let sql: postgres.Sql;
  let influxd: InfluxdProcess;
  let receiver: ScriptedWebhookReceiver;
  const hubs = new Map<string, HubProcess>();
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    database = await PostgresProcess.start();
    const { url } = await database.createDatabase({ name: 'cluster_leader' });
    sql = postgres(url, { max: 1, onnotice: () => undefined });
    influxd = await InfluxdProcess.start();
    receiver = await ScriptedWebhookReceiver.start();
    const env = (nodeId: string): Record<string, string> => ({
      HUB_NODE_ID: nodeId,
      // One database for every node (HubProcess gives each its own only when none is named).
      HUB_DATABASE_URL: url,
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'cluster_leader',
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_ALERT_POLICY_TICK: '200ms',
      HUB_LEADER_LEASE: `${LEASE_MS}ms`,
      HUB_LEADER_RENEW_EVERY: `${RENEW_MS}ms`,
      HUB_CONTACT_POINT_TIMEOUT: `${CONTACT_POINT_TIMEOUT_MS}ms`,
    });
    // node-a first: it takes the lease, and everything the others load at their start is set up through it.
    const first = await HubProcess.start(env('node-a'));
    hubs.set('node-a', first);
    for (const scenario of ['kill', 'freeze']) {
      const point = await call(first, 'POST', '/api/contact-points', { name: `${scenario}-duty`, kind: 'webhook', settings: { url: receiver.urlOf(`${scenario}-duty`) } });
      if (point.status !== 201) throw new Error(`contact point refused (${point.status}): ${JSON.stringify(point.body)}`);
      await createRule(first, {
        id: `${scenario}-breach`,
        name: `Methane ${scenario}`,
        severity: 'critical',
        selector: { domain: 'gas', metric: 'methane_pct_lel', deviceIds: [`${scenario}-gas-1`] },
        evaluateEvery: '1s',
        condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s' },
      });
      secrets.set(scenario, await provisionDevice(first, `${scenario}-gas-1`, 'gas'));
    }
    const tree = await call(first, 'PUT', '/api/notification-policies', {
      contactPoints: [],
      routes: ['kill', 'freeze'].map((scenario) => ({ matchers: { ruleIds: [`${scenario}-breach`] }, contactPoints: [`${scenario}-duty`], groupWaitMs: 0, repeatIntervalMs: 0 })),
    });
    if (tree.status !== 200) throw new Error(`tree refused (${tree.status}): ${JSON.stringify(tree.body)}`);
    for (const nodeId of NODES.slice(1)) hubs.set(nodeId, await HubProcess.start(env(nodeId)));
  });

  afterAll(async () => {
    for (const hub of hubs.values()) {
      // A node left frozen by a failed test must be able to die.
      if (hub.pid !== undefined && hub.exitCode === null && hub.exitSignal === null) process.kill(hub.pid, 'SIGCONT');
      await hub.cleanup();
    }
    await sql?.end({ timeout: 1 });
    await receiver?.close();
    await influxd?.cleanup();
    await database?.cleanup();
  });

  const lease = async (): Promise<Lease> => {
    const [row] = await sql<Lease[]>`SELECT holder, epoch::int AS epoch FROM cluster_leases WHERE name = 'alerts' AND expires_at > (extract(epoch from clock_timestamp()) * 1000)::bigint`;
    return row ?? { holder: '', epoch: 0 };
  };
  const health = async (hub: HubProcess) => (await hub.get<{ leader: { node: string; leading: boolean; epoch: number | null } }>('/api/health')).body.leader;
  /** Counts in the shared database: the alerts of a rule, their `fired` events, all events, and the delivery log's sends. */
  const counts = async (ruleId: string) => {
    const [row] = await sql<Array<{ alerts: number; fired: number; events: number; sent: number }>>`
      SELECT (SELECT count(*)::int FROM alerts WHERE rule_id = ${ruleId}) AS alerts,
             (SELECT count(*)::int FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE a.rule_id = ${ruleId} AND e.kind = 'fired') AS fired,
             (SELECT count(*)::int FROM alert_events) AS events,
             (SELECT count(*)::int FROM notification_deliveries WHERE outcome = 'sent') AS sent`;
    return row;
  };
  /** A methane reading above the threshold, posted to `hub` every 250 ms until stopped. */
  const breach = (hub: HubProcess, scenario: string): { stop(): Promise<void> } => {
    let going = true;
    const loop = (async () => {
      while (going) {
        const answer = await postReadings(hub, { domain: 'gas', deviceId: `${scenario}-gas-1`, body: { ts: Date.now(), metrics: { methane_pct_lel: 35 } }, secret: secrets.get(scenario) });
        if (answer.status !== 200 && answer.status !== 202) throw new Error(`ingest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        await sleep(250);
      }
    })();
    return {
      stop: async () => {
        going = false;
        await loop;
      },
    };
  };

  it('the leader killed (SIGKILL) during a threshold breach: another node takes over, exactly one alert, one fired event, one notification', async () => {
    const before = await lease();
    expect(before).toEqual({ holder: 'node-a', epoch: 1 });
    expect(await health(hubs.get('node-a')!)).toEqual({ node: 'node-a', leading: true, epoch: 1 });
    expect(await health(hubs.get('node-b')!)).toEqual({ node: 'node-b', leading: false, epoch: null });
    const follower = hubs.get('node-b')!;
    const readings = breach(follower, 'kill');
    // Killed while the breach is being evaluated (the rule ticks every second; the policy tick every 200 ms).
    await sleep(1_300);
    await hubs.get('node-a')!.kill();
    const killedAt = Date.now();
    const after = await waitFor(lease, (now) => now.holder !== '' && now.holder !== 'node-a', 3 * LEASE_MS, 'a new leader');
    const takeoverMs = Date.now() - killedAt;
    expect(after.epoch).toBe(2);
    await waitFor(async () => receiver.posts.get('kill-duty') ?? 0, (posts) => posts >= 1, 4 * LEASE_MS + 3 * CONTACT_POINT_TIMEOUT_MS, 'the notification');
    // Longer than a claim left by the dead leader lasts, and a few evaluations more: nothing is sent or fired again.
    await sleep(3 * CONTACT_POINT_TIMEOUT_MS + 1_500);
    await readings.stop();
    console.log(`kill: ${after.holder} leads (epoch ${after.epoch}) ${takeoverMs} ms after the leader was killed (lease ${LEASE_MS} ms, renewed every ${RENEW_MS} ms)`);
    expect(receiver.posts.get('kill-duty')).toBe(1);
    const { alerts, fired } = await counts('kill-breach');
    expect({ alerts, fired }).toEqual({ alerts: 1, fired: 1 });
    expect(await health(hubs.get(after.holder)!)).toEqual({ node: after.holder, leading: true, epoch: 2 });
  });

  it('the leader frozen (SIGSTOP) past its lease, replaced, then resumed (SIGCONT): it writes and sends nothing, and follows', async () => {
    const before = await lease();
    const frozen = hubs.get(before.holder)!;
    const follower = [...hubs.entries()].find(([nodeId, hub]) => nodeId !== before.holder && hub.exitCode === null && hub.exitSignal === null)![1];
    const readings = breach(follower, 'freeze');
    await sleep(1_300);
    process.kill(frozen.pid!, 'SIGSTOP');
    const frozenAt = Date.now();
    const after = await waitFor(lease, (now) => now.holder !== '' && now.holder !== before.holder, 3 * LEASE_MS, 'a new leader');
    const takeoverMs = Date.now() - frozenAt;
    expect(after.epoch).toBe(before.epoch + 1);
    await waitFor(async () => receiver.posts.get('freeze-duty') ?? 0, (posts) => posts >= 1, 4 * LEASE_MS + 3 * CONTACT_POINT_TIMEOUT_MS, 'the notification');
    await readings.stop();
    await sleep(3 * CONTACT_POINT_TIMEOUT_MS);
    const whileFrozen = await counts('freeze-breach');
    expect({ alerts: whileFrozen.alerts, fired: whileFrozen.fired }).toEqual({ alerts: 1, fired: 1 });

    process.kill(frozen.pid!, 'SIGCONT');
    // Its timers fire at once: evaluations, renewals, dispatchers, policy ticks. A few seconds of them write nothing.
    await sleep(3_000);
    console.log(`freeze: ${after.holder} leads (epoch ${after.epoch}) ${takeoverMs} ms after the leader was frozen; ${before.holder} resumed`);
    expect(await counts('freeze-breach')).toEqual(whileFrozen);
    expect(receiver.posts.get('freeze-duty')).toBe(1);
    expect([frozen.exitCode, frozen.exitSignal]).toEqual([null, null]);
    expect(await health(frozen)).toEqual({ node: before.holder, leading: false, epoch: null });
    expect(await lease()).toEqual(after);
  });
});
