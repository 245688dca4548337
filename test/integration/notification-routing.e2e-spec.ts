import type { AlertView } from '@hub/alerts';
import { alertsOf, call, createRule, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { createApiKey, bearer, createOperator, login, send, type Session } from '../harness/operators';
import { type CapturedEmail, SmtpSinkProcess } from '../harness/smtp-sink-process';
import { waitFor } from '../harness/wait-for';

const PUBLIC_URL = 'https://hub.county.example';

/**
 * Routing by town, domain and severity to a real SMTP server (aiosmtpd), and operators' own subscriptions: rules set
 * over the API, readings over MQTT to the real service, stored in a real influxd, routed by the policy tree. Group
 * waits are a second, the policy tick 200 ms.
 */
describe('notification routing by email, and operators’ own subscriptions (real SMTP server, influxd, service)', () => {
  let influxd: InfluxdProcess;
  let smtp: SmtpSinkProcess;
  let hub: HubProcess;
  let liWei: Session;
  let chen: Session;

  const emailTo = (to: string) => ({ host: '127.0.0.1', port: smtp.port, security: 'none', from: 'hub@county.example', to: [to] });
  const mailTo = async (address: string): Promise<CapturedEmail[]> => (await smtp.messages()).filter((mail) => mail.rcptTos.includes(address));

  beforeAll(async () => {
    [influxd, smtp] = await Promise.all([InfluxdProcess.start(), SmtpSinkProcess.start()]);
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'notification_routing',
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_ALERT_POLICY_TICK: '200ms',
      HUB_PUBLIC_URL: PUBLIC_URL,
    });
    for (const point of [
      { name: 'gas-email', kind: 'email', settings: emailTo('gas-on-call@county.example') },
      // Its server carries operators' own email; its own recipient never gets their messages.
      { name: 'county-smtp', kind: 'email', settings: emailTo('postmaster@county.example') },
    ]) {
      const created = await call(hub, 'POST', '/api/contact-points', point);
      if (created.status !== 201) throw new Error(`contact point ${point.name} refused (${created.status}): ${JSON.stringify(created.body)}`);
    }
    const tree = await call(hub, 'PUT', '/api/notification-policies', {
      personalDelivery: { email: 'county-smtp' },
      groupWaitMs: '1s',
      repeatIntervalMs: 0,
      routes: [
        { name: 'gas', matchers: { domains: ['gas'] }, routes: [{ name: 'gas-critical', matchers: { severities: ['critical'] }, contactPoints: ['gas-email'] }] },
        { name: 'water', matchers: { domains: ['water'] } },
        { name: 'brookfield-power', matchers: { domains: ['power'], towns: ['Brookfield'] } },
      ],
    });
    if (tree.status !== 200) throw new Error(`tree refused (${tree.status}): ${JSON.stringify(tree.body)}`);
    await createOperator(hub, { username: 'li.wei', password: 'ashford gas shift operator', role: 'operator', towns: ['Ashford'] });
    await createOperator(hub, { username: 'chen', password: 'county duty officer on call', role: 'operator' });
    [liWei, chen] = await Promise.all([login(hub, 'li.wei', 'ashford gas shift operator'), login(hub, 'chen', 'county duty officer on call')]);
  });

  afterAll(async () => {
    await hub?.cleanup();
    await Promise.all([influxd?.cleanup(), smtp?.cleanup()]);
  });

  it('lets an operator follow routes within their scope with their own address, and says why it refuses the rest', async () => {
    const refused = await send<{ issues: Array<{ field: string; problem: string }> }>(hub, 'PUT', '/api/me/notifications', liWei.headers, {
      email: 'li.wei@county.example',
      phone: null,
      subscriptions: [
        { route: 'brookfield-power', channels: ['email'] },
        { route: 'gas', channels: ['sms'] },
      ],
    });
    expect([refused.status, refused.body.issues]).toEqual([
      400,
      [
        { field: 'subscriptions[0].route', problem: '"brookfield-power" takes only alerts outside your scope (towns Brookfield, domains power; you see towns Ashford)' },
        { field: 'subscriptions[1].channels', problem: "the county offers no personal sms yet (an admin sets notification policies' personalDelivery.sms)" },
      ],
    ]);
    const saved = await send(hub, 'PUT', '/api/me/notifications', liWei.headers, { email: 'li.wei@county.example', subscriptions: [{ route: 'gas', channels: ['email'] }] });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      email: 'li.wei@county.example',
      subscriptions: [{ route: 'gas', channels: ['email'] }],
      channelsOffered: ['email'],
      routes: [
        { name: 'gas', towns: null, domains: ['gas'], inScope: true },
        { name: 'gas-critical', towns: null, domains: ['gas'], inScope: true },
        { name: 'water', towns: null, domains: ['water'], inScope: true },
        { name: 'brookfield-power', towns: ['Brookfield'], domains: ['power'], inScope: false },
      ],
    });
    expect((await send(hub, 'PUT', '/api/me/notifications', chen.headers, { email: 'chen@county.example', subscriptions: [{ route: 'water', channels: ['email'] }] })).status).toBe(200);
    expect((await send(hub, 'GET', '/api/me/notifications', liWei.headers)).body).toEqual(saved.body);
    // A system has no mailbox of its own.
    const key = await createApiKey(hub, { name: 'scada-link', role: 'operator' });
    const byKey = await send<{ message: string }>(hub, 'GET', '/api/me/notifications', bearer(key.key));
    expect([byKey.status, byKey.body.message]).toEqual([403, 'Only an operator signed in has their own notification settings; an API key has none']);
    // The audit log says a subscription changed, never the address.
    const audit = await hub.get<{ items: Array<{ actor: string; action: string; detail: unknown }> }>('/api/audit?targetType=operator');
    const changes = audit.body.items.filter((entry) => entry.action === 'operator.notifications.update');
    expect(changes.map((entry) => [entry.actor, entry.detail])).toEqual([
      ['chen', { emailSet: true, phoneSet: false, subscriptions: [{ route: 'water', channels: ['email'] }] }],
      ['li.wei', { emailSet: true, phoneSet: false, subscriptions: [{ route: 'gas', channels: ['email'] }] }],
    ]);
    expect(JSON.stringify(audit.body)).not.toContain('@county.example');
  });

  it('emails a gas critical in Ashford once to the gas contact and to the Ashford operator following gas; a water warning in Brookfield reaches neither, only the water follower', async () => {
    await createRule(hub, {
      id: 'methane-high',
      name: 'Methane high',
      severity: 'critical',
      selector: { domain: 'gas', metric: 'methane_pct_lel', deviceIds: ['rt-gas-ashford', 'rt-gas-brookfield'] },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s' },
    });
    await createRule(hub, {
      id: 'pressure-low',
      name: 'Pressure low',
      severity: 'warning',
      selector: { domain: 'water', metric: 'pressure_kpa', deviceIds: ['rt-water-brookfield'] },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'below', value: 200, clear: 250, for: '0s' },
    });
    const devices = await Promise.all([
      ScriptedDevice.connect(hub, 'gas', 'rt-gas-ashford', { town: 'Ashford' }),
      ScriptedDevice.connect(hub, 'gas', 'rt-gas-brookfield', { town: 'Brookfield' }),
      ScriptedDevice.connect(hub, 'water', 'rt-water-brookfield', { town: 'Brookfield' }),
    ]);
    await Promise.all([devices[0].report({ methane_pct_lel: 35 }, 3, 300), devices[1].report({ methane_pct_lel: 41 }, 3, 300), devices[2].report({ pressure_kpa: 150 }, 3, 300)]);
    await Promise.all(devices.map((device) => device.close()));
    const alerts = await waitFor(() => alertsOf(hub, 'state=firing'), (found: AlertView[]) => found.length === 3, 10_000, 'three alerts firing');
    const ashford = alerts.find((alert) => alert.deviceId === 'rt-gas-ashford') as AlertView;

    await waitFor(() => smtp.messages(), (messages) => messages.length === 4, 15_000, 'four emails');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // nothing more comes
    const subjects = async (address: string) => (await mailTo(address)).map((mail) => mail.subject).sort();
    expect(await subjects('gas-on-call@county.example')).toEqual(['[CRITICAL] Methane high fired: rt-gas-ashford in Ashford', '[CRITICAL] Methane high fired: rt-gas-brookfield in Brookfield']);
    expect(await subjects('li.wei@county.example')).toEqual(['[CRITICAL] Methane high fired: rt-gas-ashford in Ashford']);
    expect(await subjects('chen@county.example')).toEqual(['[WARNING] Pressure low fired: rt-water-brookfield in Brookfield']);
    expect(await mailTo('postmaster@county.example')).toEqual([]);
    expect(await smtp.messages()).toHaveLength(4);

    const [mail] = (await mailTo('gas-on-call@county.example')).filter((message) => message.subject.includes('Ashford'));
    const text = mail.text?.replace(/\r\n/g, '\n');
    expect(text).toContain('Device: rt-gas-ashford (gas)\nTown: Ashford\nValue: 35 %LEL\n');
    expect(text).toContain(`Open in the console: ${PUBLIC_URL}/alerts/${ashford.id}\n`);
    expect((await mailTo('li.wei@county.example'))[0].to).toBe('li.wei@county.example');

    // The delivery log names each message's route (by name) and destination: the contact point, or the operator and channel.
    const log = await call<Array<{ route: string; contactPoint: string; outcome: string; alerts: Array<{ deviceId: string }> }>>(hub, 'GET', '/api/notification-policies/deliveries?limit=100');
    expect(
      log.body
        .filter((entry) => entry.outcome === 'sent')
        .map((entry) => `${entry.route} → ${entry.contactPoint}: ${entry.alerts.map((alert) => alert.deviceId).join(',')}`)
        .sort(),
    ).toEqual(['gas-critical → @li.wei/email: rt-gas-ashford', 'gas-critical → gas-email: rt-gas-ashford', 'gas-critical → gas-email: rt-gas-brookfield', 'water → @chen/email: rt-water-brookfield']);
  });
});
