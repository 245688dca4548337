import type { AlertView } from '@hub/alerts';
import { alertsOf, call, createRule, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { RobotReceiver } from '../harness/robot-receiver';
import { SmtpSinkProcess } from '../harness/smtp-sink-process';
import { waitFor } from '../harness/wait-for';

const CREDENTIALS = {
  dingtalk: { accessToken: 'gas-on-call-token', secret: 'SECgas-on-call-signing-secret' },
  feishu: { hookToken: 'unused', secret: 'unused' },
  wecom: { key: 'unused' },
  webhook: { secret: 'unused' },
};
const PUBLIC_URL = 'https://hub.county.example';
/** The escalation, shortened from 15 minutes. */
const ESCALATE_AFTER_MS = 8000;

interface Delivery {
  route: string;
  contactPoint: string;
  level: number;
  reason: string;
  outcome: string;
  alerts: Array<{ deviceId: string }>;
}

/**
 * The "done when", end to end: a county admin sets "gas critical anywhere → the gas on-call DingTalk group and
 * an SMS to the duty phone; unacknowledged after 15 min (here 8 s) → email the department head" over the API; a
 * methane reading over MQTT fires the rule; each message arrives at a real receiver — DingTalk's signature checked
 * by DingTalk's documented formula, the SMS gateway's request as its template says, the email at a real SMTP server
 * — once, in the language each contact point is set to (the robots and the SMS in Chinese, the head's email in
 * English), and the delivery log says so. Acknowledging stops what would come next.
 */
describe('county scenario: gas critical → DingTalk + SMS in Chinese, escalated to an English email (real receivers, SMTP, influxd, service)', () => {
  let influxd: InfluxdProcess;
  let smtp: SmtpSinkProcess;
  let robots: RobotReceiver;
  let hub: HubProcess;

  beforeAll(async () => {
    [influxd, smtp, robots] = await Promise.all([InfluxdProcess.start(), SmtpSinkProcess.start(), RobotReceiver.start(CREDENTIALS)]);
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'county_scenario',
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_ALERT_POLICY_TICK: '200ms',
      HUB_PUBLIC_URL: PUBLIC_URL,
      // The duty staff read Chinese; the department head reads English: each contact point says which.
      HUB_NOTIFY_LANGUAGE: 'en',
    });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await Promise.all([influxd?.cleanup(), smtp?.cleanup(), robots?.close()]);
  });

  it('delivers each message once, signed, in the language each contact point is set to, escalates the unacknowledged critical by email, and logs every step', async () => {
    const points = [
      {
        name: 'gas-on-call-dingtalk',
        kind: 'dingtalk',
        language: 'zh',
        settings: { url: `${robots.url}/dingtalk/robot/send?access_token=${CREDENTIALS.dingtalk.accessToken}`, secret: CREDENTIALS.dingtalk.secret },
      },
      {
        name: 'duty-phone-sms',
        kind: 'sms',
        language: 'zh',
        settings: {
          method: 'POST',
          url: `${robots.url}/sms/send`,
          headers: {},
          contentType: 'application/json',
          body: '{"PhoneNumbers":{{json.phones}},"TemplateCode":{{json.templateId}},"TemplateParam":{{json.paramsText}}}',
          templateId: 'SMS_GAS_ALARM',
          phoneNumbers: ['+8613800138000'],
          success: { jsonPath: 'Code', equals: 'OK' },
        },
      },
      {
        name: 'gas-department-head-email',
        kind: 'email',
        language: null, // the hub's HUB_NOTIFY_LANGUAGE: English
        settings: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'hub@county.example', to: ['gas-head@county.example'] },
      },
    ];
    for (const point of points) expect([point.name, (await call(hub, 'POST', '/api/contact-points', point)).status]).toEqual([point.name, 201]);
    const tree = await call(hub, 'PUT', '/api/notification-policies', {
      contactPoints: [],
      routes: [
        {
          name: 'gas-critical',
          matchers: { domains: ['gas'], severities: ['critical'] },
          contactPoints: ['gas-on-call-dingtalk', 'duty-phone-sms'],
          groupWaitMs: '1s',
          repeatIntervalMs: 0,
          escalation: [
            { afterMs: ESCALATE_AFTER_MS, contactPoints: ['gas-department-head-email'] },
            { afterMs: ESCALATE_AFTER_MS + 60_000, contactPoints: ['duty-phone-sms'] },
          ],
        },
      ],
    });
    expect(tree.status).toBe(200);
    await createRule(hub, {
      id: 'methane-leak',
      name: '甲烷泄漏',
      severity: 'critical',
      selector: { domain: 'gas', metric: 'methane_pct_lel' },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s' },
    });

    const device = await ScriptedDevice.connect(hub, 'gas', 'gas-station-7', { town: 'Ashford' });
    await device.report({ methane_pct_lel: 42 }, 3, 300);
    await device.close();
    const [alert] = await waitFor(() => alertsOf(hub, 'rule=methane-leak'), (found: AlertView[]) => found.length === 1 && found[0].state === 'firing', 10_000, 'the methane alert');
    const firedAt = Date.parse(alert.firedAt);

    // Level 0: the DingTalk group and the duty phone, each once.
    await waitFor(async () => robots.received, (received) => received.length === 2, 10_000, 'the DingTalk message and the SMS');
    const ding = robots.received.find((request) => request.platform === 'dingtalk');
    const sms = robots.received.find((request) => request.platform === 'sms');
    expect([ding?.signatureOk, ding?.shapeProblems]).toEqual([true, []]);
    const markdown = (JSON.parse(ding?.rawBody ?? '{}') as { markdown: { title: string; text: string } }).markdown;
    expect(markdown.title).toBe('【严重】甲烷泄漏告警触发');
    expect(markdown.text).toContain('- **设备：** gas-station-7（gas）');
    expect(markdown.text).toContain('- **数值：** 42 %LEL');
    // The rule in words, in Chinese too (the alert itself stores the English summary).
    expect(markdown.text).toContain('- **规则：** methane_pct_lel 达到或高于 20 %LEL，立即触发；低于 10 %LEL 时解除');
    expect(markdown.text).toContain(`(${PUBLIC_URL}/alerts/${alert.id})`);
    const smsBody = JSON.parse(sms?.rawBody ?? '{}') as { PhoneNumbers: string[]; TemplateCode: string; TemplateParam: string };
    expect([smsBody.PhoneNumbers, smsBody.TemplateCode]).toEqual([['+8613800138000'], 'SMS_GAS_ALARM']);
    expect(JSON.parse(smsBody.TemplateParam)).toMatchObject({ summary: 'methane_pct_lel 达到或高于 20 %LEL，立即触发；低于 10 %LEL 时解除', rule: '甲烷泄漏', severity: '严重', event: '告警触发', device: 'gas-station-7', town: 'Ashford', value: '42', unit: '%LEL', link: `${PUBLIC_URL}/alerts/${alert.id}` });
    expect(await smtp.messages()).toEqual([]);

    // Nobody acknowledged: level 1 emails the department head, once, not before its time.
    const [email] = await waitFor(() => smtp.messages(), (messages) => messages.length === 1, ESCALATE_AFTER_MS + 10_000, 'the escalation email');
    expect(Date.now() - firedAt).toBeGreaterThanOrEqual(ESCALATE_AFTER_MS);
    expect([email.rcptTos, email.subject]).toEqual([['gas-head@county.example'], '[CRITICAL] 甲烷泄漏 fired: gas-station-7 in Ashford']);
    expect(email.text?.replace(/\r\n/g, '\n')).toContain(`Open in the console: ${PUBLIC_URL}/alerts/${alert.id}\n`);
    expect(email.text).toContain('Rule: methane_pct_lel at or above 20 %LEL at once; clears below 10 %LEL');

    // Acknowledged: level 2 (the duty phone again) never comes.
    expect((await call(hub, 'POST', `/api/alerts/${alert.id}/acknowledge`, { note: '抢修队已出发' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect([robots.received.length, (await smtp.messages()).length]).toEqual([2, 1]);

    const log = await call<Delivery[]>(hub, 'GET', '/api/notification-policies/deliveries?limit=100');
    expect(
      log.body
        .filter((entry) => entry.outcome !== 'queued')
        .reverse()
        .map((entry) => `${entry.route} L${entry.level} ${entry.contactPoint} ${entry.reason} ${entry.outcome}: ${entry.alerts.map((item) => item.deviceId).join(',')}`)
        .sort(), // the two contact points of level 0 send side by side: either may finish first
    ).toEqual([
      'gas-critical L0 duty-phone-sms new sent: gas-station-7',
      'gas-critical L0 gas-on-call-dingtalk new sent: gas-station-7',
      'gas-critical L1 gas-department-head-email escalation sent: gas-station-7',
    ]);
    // The alert's own timeline, as its detail page shows it: each message queued, then sent at the first attempt.
    const timeline = await call<Array<{ contactPoint: string; kind: string; level: number; outcome: string; attempt: number }>>(hub, 'GET', `/api/alerts/${alert.id}/notifications`);
    expect(timeline.body.map((entry) => `L${entry.level} ${entry.contactPoint} (${entry.kind}) ${entry.outcome} #${entry.attempt}`).sort()).toEqual([
      'L0 duty-phone-sms (sms) queued #0',
      'L0 duty-phone-sms (sms) sent #1',
      'L0 gas-on-call-dingtalk (dingtalk) queued #0',
      'L0 gas-on-call-dingtalk (dingtalk) sent #1',
      'L1 gas-department-head-email (email) queued #0',
      'L1 gas-department-head-email (email) sent #1',
    ]);
  });
});
