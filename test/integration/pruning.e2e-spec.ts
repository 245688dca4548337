import type { AlertEventView, AlertView } from '@hub/alerts';
import type { AlertDeliveryView, AuditEntryView, AuditPage, CommandView, ContactPointDelivery } from '@hub/api-types';
import { alertsOf, call, createRule, historyOf, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { ScriptedWebhookReceiver } from '../harness/scripted-webhook-receiver';
import { waitFor } from '../harness/wait-for';

/** hub_pruned_rows_total by kind, as /metrics says it. */
async function prunedRows(hub: HubProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${hub.httpUrl}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^hub_pruned_rows_total\{kind="([a-z_]+)"\} (\d+)$/gm)].map((match) => [match[1], Number(match[2])]));
}

/**
 * Pruning against the real service with periods of seconds (HUB_PRUNE_*): what outlived its period is gone from the
 * API and counted in /metrics, what did not (and every open alert) stays, and a pruned alert is not opened again by
 * the evaluations that follow.
 */
describe('pruning old history (real service, real influxd, real MQTT)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const devices: ScriptedDevice[] = [];
  const receivers: ScriptedWebhookReceiver[] = [];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'pruning',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_ALERT_LATE_DATA: '0s',
      HUB_PRUNE_EVERY: '1s',
      HUB_PRUNE_BATCH_ROWS: '2',
      HUB_PRUNE_RESOLVED_ALERTS_AFTER: '3s',
      HUB_PRUNE_DEAD_LETTERS_AFTER: '3s',
      HUB_PRUNE_COMMANDS_AFTER: '3s',
      HUB_PRUNE_AUDIT_AFTER: '8s',
    });
  });

  afterAll(async () => {
    for (const device of devices) await device.close();
    await hub?.cleanup();
    for (const receiver of receivers) await receiver.close();
    await influxd?.cleanup();
  });

  it('deletes resolved alerts with their history and delivery log, dead letters, finished commands and old audit entries after their periods, keeps the open alert, and counts them', async () => {
    // The cleared device's alert (warning) goes to a webhook contact point, so it has a delivery log; the open one's (info) does not.
    const receiver = await ScriptedWebhookReceiver.start();
    receivers.push(receiver);
    expect((await call(hub, 'POST', '/api/contact-points', { name: 'prune-hook', kind: 'webhook', settings: { url: receiver.urlOf('prune-hook') } })).status).toBe(201);
    const tree = await call(hub, 'PUT', '/api/notification-policies', {
      contactPoints: [],
      routes: [{ matchers: { domains: ['water'], severities: ['warning'] }, contactPoints: ['prune-hook'], groupWaitMs: 0, groupIntervalMs: 0, repeatIntervalMs: 0 }],
    });
    expect(tree.status).toBe(200);
    const level = { evaluateEvery: '1s', flapWindow: '1s', condition: { type: 'threshold', operator: 'below', value: 2 } };
    await createRule(hub, { id: 'prune-level', name: 'Reservoir low', severity: 'warning', selector: { domain: 'water', metric: 'level_m', deviceIds: ['prune-cleared'] }, ...level });
    await createRule(hub, { id: 'prune-level-open', name: 'Reservoir low (watch)', severity: 'info', selector: { domain: 'water', metric: 'level_m', deviceIds: ['prune-open'] }, ...level });
    const open = await ScriptedDevice.connect(hub, 'water', 'prune-open');
    const cleared = await ScriptedDevice.connect(hub, 'water', 'prune-cleared');
    devices.push(open, cleared);
    await Promise.all([open.report({ level_m: 1.2 }, 3, 100), cleared.report({ level_m: 1.1 }, 3, 100)]);
    const [stillOpen] = await waitFor(() => alertsOf(hub, 'rule=prune-level-open&state=firing'), (items) => items.length === 1, 10_000, 'the open level alert firing');
    await waitFor(() => alertsOf(hub, 'rule=prune-level&state=firing'), (items) => items.length === 1, 10_000, 'the cleared level alert firing');
    // Readings are judged in 1 s buckets: the clearing ones must fill buckets of their own.
    await cleared.report({ level_m: 3.5 }, 5, 500);
    const [resolved] = await waitFor(() => alertsOf(hub, 'rule=prune-level'), (items) => items.length === 1 && items[0].state === 'resolved', 10_000, 'the cleared alert resolved');
    const resolvedHistory = await historyOf(hub, resolved.id);
    expect(resolvedHistory.map((event) => event.kind)).toEqual(['fired', 'resolved']);
    // Its two messages (new, resolved), each logged queued then sent, and two attempts in the contact point's log.
    const deliveryLog = await waitFor(
      async () => (await call<AlertDeliveryView[]>(hub, 'GET', `/api/alerts/${resolved.id}/notifications`)).body,
      (rows) => rows.filter((row) => row.outcome === 'sent').length === 2,
      10_000,
      'both messages sent',
    );
    expect(deliveryLog.map((row) => [row.reason, row.outcome])).toEqual([['new', 'queued'], ['new', 'sent'], ['resolved', 'queued'], ['resolved', 'sent']]);
    const attempts = (await call<ContactPointDelivery[]>(hub, 'GET', '/api/contact-points/prune-hook/deliveries')).body;
    expect(attempts.map((row) => [row.alertId, row.ok])).toEqual([[resolved.id, true], [resolved.id, true]]);
    const openHistory = await historyOf(hub, stillOpen.id);

    // Three refused readings, and a command to a device that never subscribes, expiring after a second.
    for (let index = 0; index < 3; index++) await open.publishRaw(JSON.stringify({ metrics: { level_m: 'high' } }));
    expect((await hub.get<{ matching: number }>('/api/dead-letters')).body.matching).toBe(3);
    const command = await call<CommandView>(hub, 'POST', '/api/devices/prune-cleared/commands', { name: 'reboot', expiresIn: '1s' });
    expect(command.status).toBe(201);
    await waitFor(async () => (await hub.get<CommandView>(`/api/devices/prune-cleared/commands/${command.body.id}`)).body.status, (status) => status === 'expired', 5000, 'the command expired');
    const auditBefore = (await hub.get<AuditPage>('/api/audit?limit=1000')).body.items;
    expect(auditBefore.length).toBeGreaterThanOrEqual(4);

    const pruned = await waitFor(() => prunedRows(hub), (rows) => rows.alerts === 1 && rows.dead_letters === 3 && rows.commands === 1, 20_000, 'the alert, dead letters and command pruned');
    expect(pruned).toEqual({ alerts: 1, alert_events: resolvedHistory.length, delivery_log: deliveryLog.length + attempts.length, dead_letters: 3, audit_log: pruned.audit_log, commands: 1 });
    expect((await call(hub, 'GET', `/api/alerts/${resolved.id}`)).status).toBe(404);
    expect((await call(hub, 'GET', `/api/alerts/${resolved.id}/notifications`)).status).toBe(404);
    expect((await call<ContactPointDelivery[]>(hub, 'GET', '/api/contact-points/prune-hook/deliveries')).body).toEqual([]);
    expect((await hub.get<{ matching: number; items: unknown[] }>('/api/dead-letters')).body).toMatchObject({ matching: 0, items: [] });
    expect((await hub.get<CommandView[]>('/api/devices/prune-cleared/commands')).body).toEqual([]);
    // The open alert and its whole history stay, however old.
    expect((await alertsOf(hub, 'rule=prune-level')).map((alert: AlertView) => [alert.id, alert.state])).toEqual([]);
    expect((await alertsOf(hub, 'rule=prune-level-open')).map((alert: AlertView) => [alert.id, alert.state])).toEqual([[stillOpen.id, 'firing']]);
    expect((await historyOf(hub, stillOpen.id)).map((event: AlertEventView) => event.id)).toEqual(openHistory.map((event) => event.id));

    // Evaluations go on re-reading the cleared device's readings: the pruned alert is not opened again.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await alertsOf(hub, 'rule=prune-level')).toEqual([]);

    // The audit log (kept longest: 8 s here) loses the setup's entries, and says so in an entry of its own.
    const newestBefore = auditBefore[0];
    const audit: AuditEntryView[] = await waitFor(
      async () => (await hub.get<AuditPage>('/api/audit?limit=1000')).body.items,
      (items) => items.every((entry) => entry.id > newestBefore.id),
      20_000,
      'the setup’s audit entries pruned',
    );
    const prunes = audit.filter((entry) => entry.action === 'audit.prune');
    expect(prunes.length).toBeGreaterThanOrEqual(1);
    expect(prunes[0]).toMatchObject({ actor: 'system', targetType: 'audit_log', targetId: null, detail: { setting: 'HUB_PRUNE_AUDIT_AFTER' } });
    // Ids are never reused and nothing else deletes entries: every id below the newest that is missing was pruned, and counted.
    const { items, metrics } = await waitFor(
      async () => ({ items: (await hub.get<AuditPage>('/api/audit?limit=1000')).body.items, metrics: await prunedRows(hub) }),
      (seen) => seen.metrics.audit_log === seen.items[0].id - seen.items.length,
      5000,
      'the audit metric to match the entries gone',
    );
    expect(metrics.audit_log).toBeGreaterThanOrEqual(auditBefore.length);
    expect(items.every((entry) => entry.id > newestBefore.id)).toBe(true);
  });
});
