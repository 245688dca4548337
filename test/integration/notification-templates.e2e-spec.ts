import { alertsOf, createRule, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { bearer, createApiKey } from '../harness/operators';
import { SmtpSinkProcess } from '../harness/smtp-sink-process';
import { waitFor } from '../harness/wait-for';

interface Issues {
  issues: Array<{ field: string; problem: string }>;
}
interface TemplateView {
  language: string;
  name: string;
  kind: string;
  default: string;
  override: { body: string; updatedBy: string } | null;
  body: string;
}
interface Preview {
  language: string;
  alertId: number;
  subject: string;
  text: string;
  html: string;
  markdownTitle: string;
  markdown: string;
  sent?: Record<string, unknown>;
}

const PUBLIC_URL = 'https://hub.county.example';
const ZH_SUBJECT = '{{testPrefix}}【{{severity}}】{{deviceId}}（{{townOrNone}}）：{{ruleName}}{{eventWords}}';
const ZH_DEFAULT_SUBJECT = '{{testPrefix}}【{{severity}}】{{ruleName}}{{eventWords}}：{{deviceId}}{{#town}}（{{town}}）{{/town}}';
const EN_TEST_SUBJECT = '[TEST] [CRITICAL] Test message fired: test-device in Ashford';
const FIELDS = 'testPrefix, alertId, ruleName, summary, severity, eventWords, state, domain, deviceId, town, townOrNone, value, unit, since, sinceIso, actor, note, link';

/**
 * Message templates against the real service and a real SMTP server (aiosmtpd): an override of the Chinese subject
 * reaches the next test message of a contact point set to Chinese, without a restart, while an English one keeps
 * the shipped text.
 */
describe('/api/notification-templates (real service, real SMTP server)', () => {
  let influxd: InfluxdProcess;
  let smtp: SmtpSinkProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    [influxd, smtp] = await Promise.all([InfluxdProcess.start(), SmtpSinkProcess.start()]);
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'notification_templates', HUB_ALERT_DEFAULT_RULES: 'off', HUB_PUBLIC_URL: PUBLIC_URL });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await smtp?.cleanup();
    await influxd?.cleanup();
  });

  const mailPoint = (name: string, language: string | null) => ({ name, kind: 'email', language, settings: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'hub@county.example', to: [`${name}@county.example`] } });
  /** Sends a test message and answers the subject the SMTP server received for it. */
  const testSubject = async (name: string): Promise<string> => {
    const before = (await smtp.messages()).length;
    expect(await hub.request('POST', `/api/contact-points/${name}/test`)).toMatchObject({ status: 200, body: { ok: true, status: 250 } });
    const messages = await waitFor(() => smtp.messages(), (all) => all.length === before + 1, 10_000, `the test email to ${name}`);
    const mail = messages.find((message) => message.rcptTos.includes(`${name}@county.example`) && messages.indexOf(message) >= before);
    return mail?.subject ?? 'no mail';
  };

  it('lists every template of both languages with its default, no override yet, and the fields', async () => {
    const answer = await hub.get<{ languages: Array<{ language: string; templates: TemplateView[] }>; fields: Array<{ name: string; description: string }> }>('/api/notification-templates');
    expect(answer.status).toBe(200);
    expect(answer.body.languages.map((entry) => entry.language)).toEqual(['en', 'zh']);
    const zh = answer.body.languages[1]!.templates;
    expect(zh.map((template) => template.name).slice(0, 7)).toEqual(['subject', 'text', 'html', 'markdownTitle', 'markdown', 'testPrefix', 'events.fired']);
    expect(zh[0]).toEqual({ language: 'zh', name: 'subject', kind: 'mustache', default: ZH_DEFAULT_SUBJECT, override: null, body: ZH_DEFAULT_SUBJECT });
    expect(zh.find((template) => template.name === 'severities.critical')).toMatchObject({ kind: 'words', default: '严重' });
    expect(answer.body.fields.map((field) => field.name).join(', ')).toBe(FIELDS);
    expect(answer.body.fields.find((field) => field.name === 'link')).toEqual({ name: 'link', description: 'the alert in the console: {HUB_PUBLIC_URL}/alerts/{id}' });
  });

  it('refuses a template that does not parse, uses unknown fields or renders empty, naming the problem', async () => {
    const unknown = await hub.request<Issues>('PUT', '/api/notification-templates/zh/subject', { body: '{{devise}}：{{ruleName}}' });
    expect([unknown.status, unknown.body.issues]).toEqual([400, [{ field: 'body', problem: `uses unknown field {{devise}}; the fields are ${FIELDS}` }]]);
    const unparsed = await hub.request<Issues>('PUT', '/api/notification-templates/en/text', { body: 'Device {{deviceId}}\n{{#town}}in {{town}}' });
    expect(unparsed.body.issues).toEqual([{ field: 'body', problem: 'is not a valid mustache template: Unclosed section "town" at 40 (line 2, column 21)' }]);
    const empty = await hub.request<Issues>('PUT', '/api/notification-templates/en/markdownTitle', { body: '{{note}}' });
    expect(empty.body.issues).toEqual([{ field: 'body', problem: 'renders empty for the sample alert: a message needs some text' }]);
    const html = await hub.request<Issues>('PUT', '/api/notification-templates/en/html', { body: '<p>{{{ruleName}}}</p>' });
    expect(html.body.issues).toEqual([{ field: 'body', problem: 'must not use {{{field}}} or {{&field}}: in HTML every field is escaped, since rule names and notes are typed by people' }]);
    const badLanguage = await hub.request<{ message: string }>('PUT', '/api/notification-templates/fr/subject', { body: 'x' });
    expect([badLanguage.status, badLanguage.body.message]).toEqual([400, 'Invalid path parameter language="fr": expected one of en, zh']);
    const badName = await hub.request<{ message: string }>('PUT', '/api/notification-templates/en/footer', { body: 'x' });
    expect(badName.body.message).toMatch(/^Invalid path parameter name="footer": expected a template name: one of subject, text, html, markdownTitle, markdown, testPrefix, events\.fired, /);
  });

  it('refuses a contact point language the hub does not ship, listing the languages', async () => {
    const answer = await hub.request<Issues>('POST', '/api/contact-points', mailPoint('fr-mail', 'fr'));
    expect([answer.status, answer.body.issues]).toEqual([400, [{ field: 'language', problem: 'must be one of en, zh (the messages\' language), or null for the hub\'s HUB_NOTIFY_LANGUAGE; got "fr"' }]]);
  });

  it('sends the overridden Chinese subject to a zh contact point at once, while an en one keeps the English default', async () => {
    for (const [name, language] of [['zh-mail', 'zh'], ['en-mail', 'en'], ['default-mail', null]] as const) {
      const created = await hub.request<{ language: string | null }>('POST', '/api/contact-points', mailPoint(name, language));
      expect([created.status, created.body.language]).toEqual([201, language]);
    }
    expect(await testSubject('zh-mail')).toBe('【测试】【严重】测试消息告警触发：test-device（Ashford）');
    const saved = await hub.request<TemplateView>('PUT', '/api/notification-templates/zh/subject', { body: ZH_SUBJECT });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ language: 'zh', name: 'subject', override: { body: ZH_SUBJECT, updatedBy: 'bootstrap-key' }, body: ZH_SUBJECT });
    expect(await testSubject('zh-mail')).toBe('【测试】【严重】test-device（Ashford）：测试消息告警触发');
    expect(await testSubject('en-mail')).toBe(EN_TEST_SUBJECT);
    expect(await testSubject('default-mail')).toBe(EN_TEST_SUBJECT);
    const switched = await hub.request<{ language: string | null; settings: { to: string[] } }>('PATCH', '/api/contact-points/default-mail', { language: 'zh' });
    expect([switched.status, switched.body.language, switched.body.settings.to]).toEqual([200, 'zh', ['default-mail@county.example']]);
    expect(await testSubject('default-mail')).toBe('【测试】【严重】test-device（Ashford）：测试消息告警触发');
  });

  it('previews exactly what the stored and tried templates render, saving nothing', async () => {
    const stored = await hub.request<Preview>('POST', '/api/notification-templates/preview', { language: 'zh', test: true });
    expect([stored.status, stored.body.language, stored.body.alertId, stored.body.subject, stored.body.markdownTitle]).toEqual([200, 'zh', 0, '【测试】【严重】test-device（Ashford）：测试消息告警触发', '【测试】【严重】测试消息告警触发']);
    const tried = await hub.request<Preview>('POST', '/api/notification-templates/preview', {
      language: 'en',
      template: { subject: '{{severity}} {{deviceId}}: {{value}} {{unit}}', text: 'Value {{value}} {{unit}} in {{townOrNone}}\n{{link}}', html: '<p>{{ruleName}} &amp; {{summary}}</p>', 'severities.critical': 'SEV1' },
      contactPointKind: 'wecom',
    });
    expect(tried.status).toBe(200);
    expect([tried.body.subject, tried.body.text, tried.body.html]).toEqual(['SEV1 test-device: 1250 ppm', `Value 1250 ppm in Ashford\n${PUBLIC_URL}/alerts/0`, '<p>Test message &amp; methane_ppm above 1000 ppm for 1m</p>']);
    expect(tried.body.sent).toEqual({ kind: 'wecom', content: tried.body.markdown });
    expect(tried.body.markdown).toContain('### [SEV1] Test message fired\n');
    const bad = await hub.request<Issues>('POST', '/api/notification-templates/preview', { language: 'en', template: { markdown: '{{#note}}' } });
    expect([bad.status, bad.body.issues]).toEqual([400, [{ field: 'template.markdown', problem: 'is not a valid mustache template: Unclosed section "note" at 9 (line 1, column 10)' }]]);
    expect((await hub.request('POST', '/api/notification-templates/preview', { language: 'en', alertId: 999 })).status).toBe(404);
    const en = (await hub.get<{ languages: Array<{ templates: TemplateView[] }> }>('/api/notification-templates')).body.languages[0]!.templates;
    expect(en.filter((template) => template.override !== null)).toEqual([]);
  });

  it('previews a stored alert in the caller’s scope, its fields HTML-escaped in the html part', async () => {
    await createRule(hub, {
      id: 'preview-methane',
      name: 'Methane <leak> & "co"',
      severity: 'critical',
      selector: { domain: 'gas', metric: 'methane_pct_lel', deviceIds: ['g-preview'] },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s' },
    });
    const device = await ScriptedDevice.connect(hub, 'gas', 'g-preview');
    try {
      await device.report({ methane_pct_lel: 35 }, 3, 500);
      const [alert] = await waitFor(() => alertsOf(hub, 'device=g-preview'), (alerts) => alerts.length === 1, 20_000, 'the alert of g-preview');
      const preview = await hub.request<Preview>('POST', '/api/notification-templates/preview', { language: 'zh', alertId: alert!.id, template: { html: '<p>{{ruleName}}：{{value}} {{unit}}</p>' } });
      expect([preview.status, preview.body.alertId, preview.body.subject, preview.body.html]).toEqual([
        200,
        alert!.id,
        // The stored zh subject (overridden above); the device has no town.
        '【严重】g-preview（—）：Methane <leak> & "co"告警触发',
        '<p>Methane &lt;leak&gt; &amp; &quot;co&quot;：35 %LEL</p>',
      ]);
      const townAdmin = await createApiKey(hub, { name: 'ashford-previewer', role: 'admin', towns: ['Ashford'] });
      const outside = await hub.request<{ message: string }>('POST', '/api/notification-templates/preview', { language: 'zh', alertId: alert!.id }, bearer(townAdmin.key));
      expect(outside.status).toBe(403);
    } finally {
      await device.close();
    }
  });

  it('lets a town admin read but not change the templates, telling why', async () => {
    const townAdmin = await createApiKey(hub, { name: 'ashford-admin', role: 'admin', towns: ['Ashford'] });
    expect((await hub.request('GET', '/api/notification-templates', undefined, bearer(townAdmin.key))).status).toBe(200);
    const forbidden = await hub.request<{ message: string }>('PUT', '/api/notification-templates/zh/subject', { body: '{{deviceId}}' }, bearer(townAdmin.key));
    expect([forbidden.status, forbidden.body.message]).toEqual([403, 'Only an admin of the whole county may change the message template zh/subject: the templates write every town’s messages (key:ashford-admin has towns Ashford)']);
    const revert = await hub.request<{ message: string }>('DELETE', '/api/notification-templates/zh/subject', undefined, bearer(townAdmin.key));
    expect(revert.status).toBe(403);
  });

  it('reverts to the shipped default, and audits every change with the text before and after', async () => {
    const reverted = await hub.request<TemplateView>('DELETE', '/api/notification-templates/zh/subject');
    expect([reverted.status, reverted.body.override, reverted.body.body]).toEqual([200, null, ZH_DEFAULT_SUBJECT]);
    expect(await testSubject('zh-mail')).toBe('【测试】【严重】测试消息告警触发：test-device（Ashford）');
    const again = await hub.request<{ message: string }>('DELETE', '/api/notification-templates/zh/subject');
    expect([again.status, again.body.message]).toEqual([404, 'The message template zh/subject has no override: it is already the shipped default']);
    const audit = await hub.get<{ items: Array<{ actor: string; action: string; targetId: string; detail: Record<string, unknown> }> }>('/api/audit?targetType=notification-template');
    expect(audit.body.items.map(({ actor, action, targetId, detail }) => ({ actor, action, targetId, detail }))).toEqual([
      { actor: 'bootstrap-key', action: 'notification-template.delete', targetId: 'zh/subject', detail: { before: ZH_SUBJECT, after: ZH_DEFAULT_SUBJECT, wasDefault: false } },
      { actor: 'bootstrap-key', action: 'notification-template.update', targetId: 'zh/subject', detail: { before: ZH_DEFAULT_SUBJECT, after: ZH_SUBJECT, wasDefault: true } },
    ]);
    const pointAudit = await hub.get<{ items: Array<{ action: string; targetId: string; detail: { before?: { language: string | null }; after?: { language: string | null } } }> }>('/api/audit?targetType=contact-point');
    const change = pointAudit.body.items.find((item) => item.action === 'contact-point.update' && item.targetId === 'default-mail');
    expect([change?.detail.before?.language, change?.detail.after?.language]).toEqual([null, 'zh']);
  });
});
