import { runSimulation } from '@hub/devices-sim';
import type { AlertView } from '@hub/alerts';
import { alertsOf, call, createRule, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createOperator, login, send } from '../harness/operators';
import { provisioned } from '../harness/provision';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../harness/wait-for';

/** A webhook receiver on 127.0.0.1: each contact point posts to its own path; bodies are kept by path. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Map<string, Array<{ changes?: Array<{ alert: { deviceId: string } }>; alert?: { deviceId: string } }>> }> {
  const received = new Map<string, Array<{ changes?: Array<{ alert: { deviceId: string } }>; alert?: { deviceId: string } }>>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      received.set(path, [...(received.get(path) ?? []), JSON.parse(Buffer.concat(chunks).toString('utf8')) as never]);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const CONTACT_POINTS = ['gas-dingtalk', 'duty-sms', 'duty-officer', 'gas-head-email', 'county-director'];

interface Delivery {
  route: string;
  contactPoint: string;
  level: number;
  reason: string;
  outcome: string;
  attempt: number;
  alerts: Array<{ alertId: number; deviceId: string; event: string }>;
}

/**
 * Notification policies end to end: rules set over the API, readings published over MQTT to the real service, which
 * stores in a real influxd, evaluates, routes by the tree and sends through real webhook contact points to a local
 * HTTP receiver; the delivery log (GET /api/notification-policies/deliveries) shows each message. Timings shortened: the tree's waits
 * and levels are seconds, the policy tick 200 ms.
 */
describe('notification policies (real influxd, real service, MQTT readings)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'notification_policies',
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_ALERT_POLICY_TICK: '200ms',
    });
    // Real contact points (webhooks to a local receiver): the tree may only name contact points that exist.
    receiver = await startReceiver();
    for (const name of CONTACT_POINTS) {
      const created = await call(hub, 'POST', '/api/contact-points', { name, kind: 'webhook', settings: { url: `${receiver.url}/${name}` } });
      if (created.status !== 201) throw new Error(`contact point ${name} refused (${created.status}): ${JSON.stringify(created.body)}`);
    }
    const tree = await call(hub, 'PUT', '/api/notification-policies', {
      contactPoints: [],
      routes: [
        { matchers: { domains: ['gas'], severities: ['critical'], ruleIds: ['grouped'] }, contactPoints: ['gas-dingtalk', 'duty-sms'], groupWaitMs: '4s', repeatIntervalMs: 0 },
        {
          matchers: { domains: ['gas'], severities: ['critical'], ruleIds: ['escalated'] },
          contactPoints: ['gas-dingtalk'],
          groupWaitMs: 0,
          repeatIntervalMs: 0,
          escalation: [
            { afterMs: '6s', contactPoints: ['duty-officer'] },
            { afterMs: '14s', contactPoints: ['gas-head-email'] },
            { afterMs: '24s', contactPoints: ['county-director'] },
          ],
        },
      ],
    });
    if (tree.status !== 200) throw new Error(`tree refused (${tree.status}): ${JSON.stringify(tree.body)}`);
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  const methaneRule = (id: string, deviceIds: string[]) =>
    createRule(hub, {
      id,
      name: `Methane ${id}`,
      severity: 'critical',
      selector: { domain: 'gas', metric: 'methane_pct_lel', deviceIds },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s' },
    });

  /** The attempts of a route's messages, oldest first (the log's `queued` rows are left out here). */
  const deliveriesOf = async (route: string): Promise<Delivery[]> => {
    const answer = await call<Delivery[]>(hub, 'GET', '/api/notification-policies/deliveries?limit=1000');
    return answer.body.filter((delivery) => delivery.route === route && delivery.outcome !== 'queued').reverse();
  };

  it('keeps the tree as given, refuses a bad one with every problem at its path, and only to a county-wide admin', async () => {
    const tree = await call<{ routes: Array<{ groupWaitMs: number }> }>(hub, 'GET', '/api/notification-policies');
    expect(tree.body.routes.map((route) => route.groupWaitMs)).toEqual([4000, 0]);
    const bad = await call<{ issues: Array<{ field: string; problem: string }> }>(hub, 'PUT', '/api/notification-policies', {
      routes: [{ matchers: { severities: ['urgent'] }, contactPoints: ['nobody'], escalation: [{ afterMs: '2s', contactPoints: ['duty-officer'] }, { afterMs: '1s', contactPoints: ['gas-head-email'] }] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([
      { field: 'routes[0].matchers.severities[0]', problem: 'must be one of info, warning, critical, got "urgent"' },
      { field: 'routes[0].contactPoints[0]', problem: 'names no contact point: "nobody"' },
      { field: 'routes[0].escalation[1].afterMs', problem: "must be later than level 1's (2000 ms): each level counts from when the alert fired" },
    ]);
    await createOperator(hub, { username: 'ashford.admin', password: 'ashford town office admin', role: 'admin', towns: ['Ashford'] });
    const townAdmin = await login(hub, 'ashford.admin', 'ashford town office admin');
    expect((await send(hub, 'PUT', '/api/notification-policies', townAdmin.headers, { routes: [] })).status).toBe(403);
    expect((await call<{ routes: unknown[] }>(hub, 'GET', '/api/notification-policies')).body.routes).toHaveLength(2);
    // Only the accepted change is in the audit log, with the tree it set.
    const audit = await hub.get<{ items: Array<{ actor: string; action: string; detail: { routes: Array<{ contactPoints: string[] }> } }> }>('/api/audit?targetType=notification-policies');
    expect(audit.body.items.map((entry) => [entry.action, entry.detail.routes.map((route) => route.contactPoints.join('+'))])).toEqual([
      ['notification-policies.update', ['gas-dingtalk+duty-sms', 'gas-dingtalk']],
    ]);
  });

  it('sends 30 devices crossing one rule within the group wait as one message per contact point, listing all 30', async () => {
    const everyDevice = Array.from({ length: 30 }, (_, index) => `grp-gas-${index + 1}`).sort();
    await methaneRule('grouped', everyDevice);
    await runSimulation(
      await provisioned(
        hub,
        {
          url: hub.mqttUrl,
          domains: ['gas'],
          devicesPerDomain: 30,
          idPrefix: 'grp-',
          count: 10,
          intervalMs: 200,
          faults: [{ mode: 'spike', domain: 'gas', metric: 'methane_pct_lel', value: 35 }],
        },
        { town: 'Ashford' },
      ),
    );
    await waitFor(() => alertsOf(hub, 'rule=grouped'), (alerts) => alerts.length === 30, 10_000, '30 alerts of the grouped rule');
    const deliveries = await waitFor(() => deliveriesOf('routes[0]'), (found) => found.length === 2, 15_000, 'two messages of the grouped route');
    await new Promise((resolve) => setTimeout(resolve, 2000)); // nothing more comes
    expect(await deliveriesOf('routes[0]')).toHaveLength(2);
    // Sent to the two contact points at the same moment: on PostgreSQL their log rows commit in either order.
    expect(deliveries.map((delivery) => [delivery.contactPoint, delivery.level, delivery.reason, delivery.outcome, delivery.attempt]).sort()).toEqual([
      ['duty-sms', 0, 'new', 'sent', 1],
      ['gas-dingtalk', 0, 'new', 'sent', 1],
    ]);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toContain('hub_notification_deliveries_total{outcome="queued",kind="webhook"} 2');
    expect(metrics).toContain('hub_notification_deliveries_total{outcome="sent",kind="webhook"} 2');
    for (const delivery of deliveries) {
      expect(delivery.alerts.map((alert) => alert.deviceId).sort()).toEqual(everyDevice);
      expect(new Set(delivery.alerts.map((alert) => alert.event))).toEqual(new Set(['fired']));
    }
    // What the receiver got: one body per contact point, listing the 30 alerts.
    for (const name of ['gas-dingtalk', 'duty-sms']) {
      const bodies = receiver.received.get(`/${name}`) ?? [];
      expect([name, bodies.length]).toEqual([name, 1]);
      expect((bodies[0]?.changes ?? []).map((change) => change.alert.deviceId).sort()).toEqual(everyDevice);
    }
  });

  it('escalates an unacknowledged critical to level 1, then level 2 across a restart (neither repeated nor skipped), and stops before level 3 once acknowledged', async () => {
    await methaneRule('escalated', ['esc-gas-1']);
    const device = await ScriptedDevice.connect(hub, 'gas', 'esc-gas-1');
    await device.report({ methane_pct_lel: 35 }, 3, 300);
    await device.close();
    const [alert] = await waitFor(() => alertsOf(hub, 'rule=escalated'), (alerts: AlertView[]) => alerts.length === 1 && alerts[0].state === 'firing', 10_000, 'the escalated alert firing');
    const firedAt = Date.parse(alert.firedAt);
    const summary = (deliveries: Delivery[]) => deliveries.map((delivery) => `${delivery.contactPoint} L${delivery.level} ${delivery.reason} ${delivery.outcome}: ${delivery.alerts.map((item) => item.deviceId).join(',')}`);

    await waitFor(() => deliveriesOf('routes[1]'), (found) => found.length === 2, 15_000, 'level 1');
    expect(Date.now() - firedAt).toBeGreaterThanOrEqual(6000);
    expect(await hub.stop()).toBe(0);
    await hub.launch();
    const atLevel2 = await waitFor(() => deliveriesOf('routes[1]'), (found) => found.length === 3, 20_000, 'level 2 after the restart');
    expect(summary(atLevel2)).toEqual(['gas-dingtalk L0 new sent: esc-gas-1', 'duty-officer L1 escalation sent: esc-gas-1', 'gas-head-email L2 escalation sent: esc-gas-1']);
    expect(Date.now() - firedAt).toBeLessThan(24_000); // acknowledged ahead of level 3
    expect((await call(hub, 'POST', `/api/alerts/${alert.id}/acknowledge`, { note: 'crew on the way' })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firedAt + 24_000 + 3000 - Date.now())));
    expect(summary(await deliveriesOf('routes[1]'))).toEqual(['gas-dingtalk L0 new sent: esc-gas-1', 'duty-officer L1 escalation sent: esc-gas-1', 'gas-head-email L2 escalation sent: esc-gas-1']);
    // One message each reached levels 1 and 2 (a single alert: the webhook's body is the change itself); none level 3.
    expect(['duty-officer', 'gas-head-email', 'county-director'].map((name) => (receiver.received.get(`/${name}`) ?? []).map((body) => body.alert?.deviceId))).toEqual([['esc-gas-1'], ['esc-gas-1'], []]);
  });
});
