import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { RobotReceiver, verifyHubWebhook } from '../harness/robot-receiver';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CapturedEmail, SmtpSinkProcess } from '../harness/smtp-sink-process';
import { makeSelfSignedCertificate, type TestCertificate } from '../harness/test-certificates';
import { waitFor } from '../harness/wait-for';

interface Delivery {
  ok: boolean;
  status?: number;
  providerAnswer: string;
  retryable: boolean;
}

interface ContactPoint {
  name: string;
  kind: string;
  settings: Record<string, unknown>;
  secretSet: boolean;
  secrets: Record<string, boolean>;
}

interface LoggedDelivery extends Delivery {
  contactPoint: string;
  alertId: number | null;
  status: number;
}

const CREDENTIALS = {
  dingtalk: { accessToken: 'ding-token-do-not-leak', secret: 'SECding-secret-do-not-leak' },
  feishu: { hookToken: 'feishu-hook-do-not-leak', secret: 'feishu-secret-do-not-leak' },
  wecom: { key: 'wecom-key-do-not-leak' },
  webhook: { secret: 'webhook-secret-do-not-leak' },
};
const SMTP_PASSWORD = 'smtp-password-do-not-leak';
const SMS_TOKEN = 'sms-token-do-not-leak';
const SECRETS = [CREDENTIALS.dingtalk.accessToken, CREDENTIALS.dingtalk.secret, CREDENTIALS.feishu.hookToken, CREDENTIALS.feishu.secret, CREDENTIALS.wecom.key, CREDENTIALS.webhook.secret, SMTP_PASSWORD, SMS_TOKEN];
const PUBLIC_URL = 'https://hub.county.example';
const TEST_SUBJECT = '[TEST] [CRITICAL] Test message fired: test-device in Ashford';

/**
 * Contact points against the real service, a real SMTP server (aiosmtpd) and a local receiver that checks each
 * robot platform's signature and body as the platform documents them and answers with its error codes.
 */
describe('/api/contact-points (real service, real SMTP server, robot receivers)', () => {
  let influxd: InfluxdProcess;
  let smtp: SmtpSinkProcess;
  let secureSmtp: SmtpSinkProcess;
  let smtps: SmtpSinkProcess;
  let certificateDir: string;
  let certificate: TestCertificate;
  let robots: RobotReceiver;
  let hub: HubProcess;

  beforeAll(async () => {
    certificateDir = await mkdtemp(join(tmpdir(), 'smtp-tls-'));
    certificate = makeSelfSignedCertificate(certificateDir, 'smtp');
    [influxd, smtp, secureSmtp, smtps, robots] = await Promise.all([
      InfluxdProcess.start(),
      SmtpSinkProcess.start(),
      SmtpSinkProcess.start({ certificate, login: 'county-hub', password: SMTP_PASSWORD }),
      SmtpSinkProcess.start({ certificate, login: 'county-hub', password: SMTP_PASSWORD, implicitTls: true }),
      RobotReceiver.start(CREDENTIALS),
    ]);
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: 'contact_points',
      HUB_ALERT_DEFAULT_RULES: 'off',
      HUB_PUBLIC_URL: PUBLIC_URL,
      HUB_CONTACT_POINT_TIMEOUT: '3s',
      HUB_TIME_ZONE: 'Asia/Shanghai',
      // The most the service ever logs, so the secret check below has everything to look through.
      HUB_LOG_LEVEL: 'debug',
    });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await robots?.close();
    await smtp?.cleanup();
    await secureSmtp?.cleanup();
    await smtps?.cleanup();
    await influxd?.cleanup();
    await rm(certificateDir, { recursive: true, force: true });
  });

  const create = async (body: unknown): Promise<ContactPoint> => {
    const answer = await hub.request<ContactPoint>('POST', '/api/contact-points', body);
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const sendTest = async (name: string): Promise<Delivery> => {
    const answer = await hub.request<Delivery>('POST', `/api/contact-points/${name}/test`);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const lastReceived = () => robots.received[robots.received.length - 1];
  const emailTo = (to: string) => ({ host: '127.0.0.1', port: smtp.port, security: 'none', from: 'hub@county.example', to: [to] });

  it('refuses a bad contact point with every problem named by its field, and audits nothing', async () => {
    const answer = await hub.request<{ issues: Array<{ field: string; problem: string }> }>('POST', '/api/contact-points', {
      name: 'Gas Duty',
      kind: 'email',
      settings: { host: 'smtp.county.example', port: 70_000, security: 'ssl', from: 'nobody', to: [] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { field: 'name', problem: 'must match lower-case letters, digits and -, 1–40 characters, e.g. gas-on-call', code: 'pattern' },
      { field: 'settings.security', problem: 'must be one of starttls, tls, none, got "ssl"', code: 'one-of', params: { allowed: 'starttls, tls, none', got: '"ssl"' } },
      { field: 'settings.port', problem: 'must be a whole number from 1 to 65535, got 70000', code: 'number', params: { integer: 1, min: 1, max: 65535, got: '70000' } },
      { field: 'settings.from', problem: 'must match an email address such as alerts@county.example', code: 'pattern' },
      { field: 'settings.to', problem: 'must name at least one address' },
    ]);
    const robot = await hub.request<{ issues: Array<{ field: string; problem: string }> }>('POST', '/api/contact-points', { name: 'ding', kind: 'dingtalk', settings: { url: 'ftp://oapi.dingtalk.com/robot/send' } });
    expect(robot.body.issues).toEqual([{ field: 'settings.url', problem: 'must start http:// or https://, not ftp://' }]);
    expect((await hub.get<{ items: unknown[] }>('/api/audit?targetType=contact-point')).body.items).toEqual([]);
  });

  it('emails a test message that arrives with the subject, device, value, unit and console link', async () => {
    const point = await create({ name: 'gas-duty-mail', kind: 'email', settings: emailTo('gas-duty@county.example') });
    expect(point).toMatchObject({ kind: 'email', secretSet: false, secrets: { password: false }, settings: { host: '127.0.0.1', port: smtp.port, security: 'none', username: null } });
    const result = await sendTest('gas-duty-mail');
    expect(result).toEqual({ ok: true, status: 250, providerAnswer: '250 2.0.0 Ok: queued as test-1', retryable: false });
    const [mail] = await waitFor(() => smtp.messages(), (messages) => messages.length === 1, 10_000, 'the test email');
    expect(mail).toEqual<CapturedEmail>({
      mailFrom: 'hub@county.example',
      rcptTos: ['gas-duty@county.example'],
      from: 'hub@county.example',
      to: 'gas-duty@county.example',
      subject: TEST_SUBJECT,
      text: expect.any(String) as string,
      html: expect.any(String) as string,
      attachments: [],
    });
    // SMTP carries lines ending CRLF (RFC 5321 §2.3.8).
    const text = mail.text?.replace(/\r\n/g, '\n');
    expect(text).toContain('Device: test-device (gas)\nTown: Ashford\nValue: 1250 ppm\n');
    expect(text).toContain(`Open in the console: ${PUBLIC_URL}/alerts/0\n`);
    expect(mail.html).toContain(`<a href="${PUBLIC_URL}/alerts/0">Open alert 0 in the console</a>`);
    expect(mail.html).toContain('<td>1250 ppm</td>');
  });

  it('sends over STARTTLS with a login to a server that requires both, trusting the county CA given', async () => {
    const settings = { host: '127.0.0.1', port: secureSmtp.port, security: 'starttls', username: 'county-hub', password: SMTP_PASSWORD, from: 'hub@county.example', to: ['duty@county.example'] };
    await create({ name: 'relay-untrusted', kind: 'email', settings });
    expect(await sendTest('relay-untrusted')).toMatchObject({ ok: false, retryable: true, providerAnswer: expect.stringContaining('self-signed certificate') as string });
    await create({ name: 'relay-mail', kind: 'email', settings: { ...settings, ca: certificate.trusted.toString('utf8') } });
    expect(await sendTest('relay-mail')).toEqual({ ok: true, status: 250, providerAnswer: '250 2.0.0 Ok: queued as test-1', retryable: false });
    const [mail] = await waitFor(() => secureSmtp.messages(), (messages) => messages.length === 1, 10_000, 'the email over STARTTLS');
    expect([mail.rcptTos, mail.subject]).toEqual([['duty@county.example'], TEST_SUBJECT]);
    await hub.request('PATCH', '/api/contact-points/relay-mail', { settings: { password: 'wrong-password' } });
    expect(await sendTest('relay-mail')).toEqual({ ok: false, status: 535, providerAnswer: '535 5.7.8 Authentication credentials invalid', retryable: false });
  });

  it('sends over TLS from the first byte (SMTPS, port 465 style) with a login, and refuses to talk plain to such a server', async () => {
    const settings = { host: '127.0.0.1', port: smtps.port, security: 'tls', username: 'county-hub', password: SMTP_PASSWORD, ca: certificate.trusted.toString('utf8'), from: 'hub@county.example', to: ['duty@county.example'] };
    await create({ name: 'smtps-mail', kind: 'email', settings });
    expect(await sendTest('smtps-mail')).toEqual({ ok: true, status: 250, providerAnswer: '250 2.0.0 Ok: queued as test-1', retryable: false });
    const [mail] = await waitFor(() => smtps.messages(), (messages) => messages.length === 1, 10_000, 'the email over SMTPS');
    expect([mail.rcptTos, mail.subject]).toEqual([['duty@county.example'], TEST_SUBJECT]);
    // STARTTLS against a server that speaks TLS at once: the greeting never comes as text, so the send fails, retryably.
    await create({ name: 'smtps-as-starttls', kind: 'email', settings: { ...settings, security: 'starttls' } });
    expect(await sendTest('smtps-as-starttls')).toMatchObject({ ok: false, retryable: true });
    expect(await smtps.messages()).toHaveLength(1);
  });

  it('reads SMTP refusals: 550 is final, 451 and no server at all are worth retrying', async () => {
    await create({ name: 'bounce-mail', kind: 'email', settings: emailTo('bounce@county.example') });
    expect(await sendTest('bounce-mail')).toEqual({ ok: false, status: 550, providerAnswer: '550 5.1.1 <bounce@county.example>: Recipient address rejected: User unknown', retryable: false });
    await create({ name: 'busy-mail', kind: 'email', settings: emailTo('busy@county.example') });
    expect(await sendTest('busy-mail')).toEqual({ ok: false, status: 451, providerAnswer: '451 4.3.0 <busy@county.example>: Temporary lookup failure', retryable: true });
    await create({ name: 'closed-mail', kind: 'email', settings: { ...emailTo('x@county.example'), port: 1 } });
    expect(await sendTest('closed-mail')).toMatchObject({ ok: false, retryable: true, providerAnswer: expect.stringContaining('ECONNREFUSED') as string });
  });

  it('signs DingTalk messages as DingTalk documents, and reads its rate-limit and signature errors', async () => {
    const url = `${robots.url}/dingtalk/robot/send?access_token=${CREDENTIALS.dingtalk.accessToken}`;
    const point = await create({ name: 'gas-ding', kind: 'dingtalk', settings: { url, secret: CREDENTIALS.dingtalk.secret } });
    expect(point).toMatchObject({ settings: { endpoint: robots.url }, secretSet: true, secrets: { url: true, secret: true } });
    expect(await sendTest('gas-ding')).toEqual({ ok: true, status: 200, providerAnswer: '{"errcode":0,"errmsg":"ok"}', retryable: false });
    const request = lastReceived();
    expect([request.platform, request.signatureOk, request.shapeProblems]).toEqual(['dingtalk', true, []]);
    const body = JSON.parse(request.rawBody) as { markdown: { title: string; text: string } };
    expect(body.markdown.title).toBe('[TEST] [CRITICAL] Test message fired');
    expect(body.markdown.text).toContain('- **Value:** 1250 ppm\n');
    expect(body.markdown.text).toContain(`(${PUBLIC_URL}/alerts/0)`);

    robots.failNext('dingtalk', 'rate-limit');
    expect(await sendTest('gas-ding')).toEqual({ ok: false, status: 200, providerAnswer: '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}', retryable: true });
    expect((await hub.request('PATCH', '/api/contact-points/gas-ding', { settings: { secret: 'SECwrong' } })).status).toBe(200);
    expect(await sendTest('gas-ding')).toMatchObject({ ok: false, status: 200, providerAnswer: expect.stringContaining('"errcode":310000') as string, retryable: false });
  });

  it('signs Feishu cards as Feishu documents, and reads its rate-limit and signature errors', async () => {
    const url = `${robots.url}/feishu/open-apis/bot/v2/hook/${CREDENTIALS.feishu.hookToken}`;
    await create({ name: 'gas-feishu', kind: 'feishu', settings: { url, secret: CREDENTIALS.feishu.secret } });
    expect(await sendTest('gas-feishu')).toEqual({ ok: true, status: 200, providerAnswer: '{"code":0,"msg":"success","data":{}}', retryable: false });
    const request = lastReceived();
    expect([request.platform, request.signatureOk, request.shapeProblems]).toEqual(['feishu', true, []]);
    const body = JSON.parse(request.rawBody) as { card: { header: { title: { content: string } }; elements: Array<{ text: { tag: string; content: string } }> } };
    expect(body.card.header.title.content).toBe('[TEST] [CRITICAL] Test message fired');
    expect(body.card.elements[0].text.tag).toBe('lark_md');
    expect(body.card.elements[0].text.content).toContain(`(${PUBLIC_URL}/alerts/0)`);

    await hub.request('PATCH', '/api/contact-points/gas-feishu', { settings: { format: 'text' } });
    expect(await sendTest('gas-feishu')).toMatchObject({ ok: true });
    expect([lastReceived().signatureOk, lastReceived().shapeProblems]).toEqual([true, []]);
    expect((JSON.parse(lastReceived().rawBody) as { content: { text: string } }).content.text).toContain(`${TEST_SUBJECT}\n\n`);
    robots.failNext('feishu', 'rate-limit');
    expect(await sendTest('gas-feishu')).toMatchObject({ ok: false, status: 200, providerAnswer: expect.stringContaining('"code":11232') as string, retryable: true });
    await hub.request('PATCH', '/api/contact-points/gas-feishu', { settings: { secret: 'wrong' } });
    expect(await sendTest('gas-feishu')).toMatchObject({ ok: false, status: 200, providerAnswer: expect.stringContaining('"code":19021') as string, retryable: false });
  });

  it('sends WeCom markdown with the key in the URL, and reads its rate-limit and bad-key errors', async () => {
    await create({ name: 'gas-wecom', kind: 'wecom', settings: { url: `${robots.url}/wecom/cgi-bin/webhook/send?key=${CREDENTIALS.wecom.key}` } });
    expect(await sendTest('gas-wecom')).toEqual({ ok: true, status: 200, providerAnswer: '{"errcode":0,"errmsg":"ok"}', retryable: false });
    expect([lastReceived().signatureOk, lastReceived().shapeProblems]).toEqual([true, []]);
    robots.failNext('wecom', 'rate-limit');
    expect(await sendTest('gas-wecom')).toEqual({ ok: false, status: 200, providerAnswer: '{"errcode":45009,"errmsg":"api freq out of limit"}', retryable: true });
    robots.failNext('wecom', 502);
    expect(await sendTest('gas-wecom')).toMatchObject({ ok: false, status: 502, retryable: true });
    await hub.request('PATCH', '/api/contact-points/gas-wecom', { settings: { url: `${robots.url}/wecom/cgi-bin/webhook/send?key=wrong` } });
    expect(await sendTest('gas-wecom')).toMatchObject({ ok: false, status: 200, providerAnswer: expect.stringContaining('"errcode":93000') as string, retryable: false });
  });

  it('signs webhooks so that the documented verification snippet accepts them', async () => {
    await create({ name: 'ops-hook', kind: 'webhook', settings: { url: `${robots.url}/webhook`, secret: CREDENTIALS.webhook.secret } });
    expect(await sendTest('ops-hook')).toEqual({ ok: true, status: 204, providerAnswer: '', retryable: false });
    const request = lastReceived();
    expect(verifyHubWebhook(request.headers, request.rawBody, CREDENTIALS.webhook.secret)).toBe(true);
    expect(verifyHubWebhook(request.headers, request.rawBody.replace('1250', '1251'), CREDENTIALS.webhook.secret)).toBe(false);
    expect(JSON.parse(request.rawBody)).toMatchObject({ contactPoint: 'ops-hook', test: true, event: 'fired', link: `${PUBLIC_URL}/alerts/0`, alert: { deviceId: 'test-device', value: 1250, unit: 'ppm' } });
    robots.failNext('webhook', 503);
    expect(await sendTest('ops-hook')).toMatchObject({ ok: false, status: 503, retryable: true });
    robots.failNext('webhook', 400);
    expect(await sendTest('ops-hook')).toMatchObject({ ok: false, status: 400, retryable: false });
    await hub.request('PATCH', '/api/contact-points/ops-hook', { settings: { secret: 'wrong' } });
    expect(await sendTest('ops-hook')).toEqual({ ok: false, status: 401, providerAnswer: '{"error":"bad signature"}', retryable: false });
  });

  it('writes the messages in Chinese when HUB_NOTIFY_LANGUAGE=zh', async () => {
    const chinese = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'contact_points_zh', HUB_ALERT_DEFAULT_RULES: 'off', HUB_PUBLIC_URL: PUBLIC_URL, HUB_NOTIFY_LANGUAGE: 'zh' });
    try {
      expect((await chinese.request('POST', '/api/contact-points', { name: 'zh-hook', kind: 'webhook', settings: { url: `${robots.url}/webhook`, secret: CREDENTIALS.webhook.secret } })).status).toBe(201);
      expect(await chinese.request('POST', '/api/contact-points/zh-hook/test')).toMatchObject({ status: 200, body: { ok: true } });
      const body = JSON.parse(lastReceived().rawBody) as { subject: string; text: string };
      expect(body.subject).toBe('【测试】【严重】测试消息告警触发：test-device（Ashford）');
      expect(body.text).toContain('数值：1250 ppm\n');
      expect(body.text).toContain(`在控制台查看：${PUBLIC_URL}/alerts/0`);
    } finally {
      await chinese.cleanup();
    }
  });

  it('gives up on a receiver that never answers after HUB_CONTACT_POINT_TIMEOUT, as retryable', async () => {
    await create({ name: 'hanging-hook', kind: 'webhook', settings: { url: `${robots.url}/hang` } });
    const started = Date.now();
    const result = await sendTest('hanging-hook');
    const tookMs = Date.now() - started;
    expect(result).toEqual({ ok: false, providerAnswer: `POST ${robots.url} failed: The operation was aborted due to timeout`, retryable: true });
    expect(tookMs).toBeGreaterThanOrEqual(2900);
    expect(tookMs).toBeLessThan(6000);
  });

  it('sends the SMS gateway request its templates describe, with the carrier template id and parameters', async () => {
    const body = '{"PhoneNumbers":{{json.phones}},"TemplateCode":{{json.templateId}},"TemplateParam":{{json.paramsText}}}';
    await create({
      name: 'duty-sms',
      kind: 'sms',
      settings: {
        method: 'PUT',
        url: `${robots.url}/sms/v1/send?sender=county&tpl={{form.templateId}}`,
        headers: { Authorization: `Bearer ${SMS_TOKEN}` },
        contentType: 'application/json; charset=utf-8',
        body,
        templateId: 'SMS_154950909',
        phoneNumbers: ['+8613800000000', '13900000000'],
        success: { jsonPath: 'Code', equals: 'OK' },
      },
    });
    expect(await sendTest('duty-sms')).toEqual({ ok: true, status: 200, providerAnswer: '{"Code":"OK","Message":"OK","BizId":"900619746936498440^0"}', retryable: false });
    const request = lastReceived();
    expect([request.method, request.path, request.query.toString()]).toEqual(['PUT', '/sms/v1/send', 'sender=county&tpl=SMS_154950909']);
    expect([request.headers.authorization, request.headers['content-type']]).toEqual([`Bearer ${SMS_TOKEN}`, 'application/json; charset=utf-8']);
    const sent = JSON.parse(request.rawBody) as { PhoneNumbers: string[]; TemplateCode: string; TemplateParam: string };
    expect(sent).toEqual({ PhoneNumbers: ['+8613800000000', '13900000000'], TemplateCode: 'SMS_154950909', TemplateParam: expect.any(String) as string });
    expect(JSON.parse(sent.TemplateParam)).toEqual({
      rule: 'Test message',
      summary: 'methane_ppm above 1000 ppm for 1m',
      severity: 'CRITICAL',
      event: 'fired',
      device: 'test-device',
      town: 'Ashford',
      value: '1250',
      unit: 'ppm',
      // On the county's clock, for the person who reads the SMS.
      since: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Asia\/Shanghai\)$/) as string,
      link: `${PUBLIC_URL}/alerts/0`,
      alertId: '0',
    });
    robots.failNext('sms', 'rate-limit');
    expect(await sendTest('duty-sms')).toEqual({ ok: false, status: 200, providerAnswer: '{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"minute-level flow control"}', retryable: false });
    robots.failNext('sms', 503);
    expect(await sendTest('duty-sms')).toMatchObject({ ok: false, status: 503, retryable: true });
  });

  it('logs every attempt, newest first, with alertId null for test messages', async () => {
    const answer = await hub.get<LoggedDelivery[]>('/api/contact-points/gas-ding/deliveries');
    expect(answer.status).toBe(200);
    expect(answer.body.map(({ contactPoint, alertId, ok, status, retryable }) => ({ contactPoint, alertId, ok, status, retryable }))).toEqual([
      { contactPoint: 'gas-ding', alertId: null, ok: false, status: 200, retryable: false },
      { contactPoint: 'gas-ding', alertId: null, ok: false, status: 200, retryable: true },
      { contactPoint: 'gas-ding', alertId: null, ok: true, status: 200, retryable: false },
    ]);
    expect((await hub.get<LoggedDelivery[]>('/api/contact-points/gas-ding/deliveries?limit=1')).body).toHaveLength(1);
    expect((await hub.get('/api/contact-points/nobody/deliveries')).status).toBe(404);
  });

  it('keeps secrets out of API answers, the audit log and the service log', async () => {
    await create({ name: 'auth-mail', kind: 'email', settings: { ...emailTo('a@county.example'), username: 'hub', password: SMTP_PASSWORD } });
    const list = await hub.get<ContactPoint[]>('/api/contact-points');
    expect(list.body.map((point) => [point.name, point.secretSet])).toEqual([
      ['auth-mail', true],
      ['bounce-mail', false],
      ['busy-mail', false],
      ['closed-mail', false],
      ['duty-sms', true],
      ['gas-ding', true],
      ['gas-duty-mail', false],
      ['gas-feishu', true],
      ['gas-wecom', true],
      ['hanging-hook', false],
      ['ops-hook', true],
      ['relay-mail', true],
      ['relay-untrusted', true],
      ['smtps-as-starttls', true],
      ['smtps-mail', true],
    ]);
    const answers = [JSON.stringify(list.body), ...(await Promise.all(list.body.map(async (point) => JSON.stringify((await hub.get(`/api/contact-points/${point.name}`)).body))))];
    const audit = JSON.stringify((await hub.get('/api/audit?targetType=contact-point&limit=1000')).body);
    expect(audit).toContain('contact-point.update');
    expect(audit).toContain('"secretsChanged":["secret"]');
    for (const secret of SECRETS) {
      for (const [where, text] of [...answers.map((answer) => ['API answer', answer]), ['audit', audit], ['service log', hub.output]]) {
        expect(`${where}: ${text.includes(secret) ? secret : 'clean'}`).toBe(`${where}: clean`);
      }
    }
    expect(hub.output).toContain('Contact point test message sent');
  });

  it('keeps a secret that a change leaves out, and deletes a contact point with its log', async () => {
    expect((await hub.request<ContactPoint>('PATCH', '/api/contact-points/auth-mail', { settings: { to: ['b@county.example'] } })).body).toMatchObject({ secrets: { password: true }, settings: { to: ['b@county.example'] } });
    expect((await hub.request('PATCH', '/api/contact-points/auth-mail', { kind: 'webhook', settings: {} })).status).toBe(400);
    expect((await hub.request('POST', '/api/contact-points', { name: 'auth-mail', kind: 'webhook', settings: { url: robots.url } })).status).toBe(409);
    expect((await hub.request('DELETE', '/api/contact-points/gas-ding')).status).toBe(204);
    expect((await hub.get('/api/contact-points/gas-ding')).status).toBe(404);
    expect((await hub.get('/api/contact-points/Bad_Name')).status).toBe(400);
  });
});
