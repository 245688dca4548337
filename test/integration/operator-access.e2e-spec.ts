import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertEventView, AlertView } from '@hub/alerts';
import { createRule, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { bearer, createApiKey, createOperator, login, send, Session } from '../harness/operators';
import { SseReader } from '../harness/sse-reader';
import { waitFor } from '../harness/wait-for';

interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  detail: Record<string, unknown>;
}

const PASSWORD = 'correct horse battery staple';

/**
 * Operator access against the real service: 401 without credentials, the first admin's password file, login, me and
 * logout with the cookie's attributes, one answer for a wrong password and an unknown user, back-off with 429, API key
 * roles, a disabled operator and a revoked key refused at once, a session surviving a restart, a domain-scoped
 * operator kept from another domain's alert (403, and not on their live stream), CSRF refusals, and the audit log.
 */
describe('operator access (real service, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let gasAlert: AlertView;
  let waterAlert: AlertView;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'operator_access', HUB_WRITE_FLUSH_INTERVAL: '50ms', HUB_ALERT_DEFAULT_RULES: 'off' });
    // One gas and one water alert, raised the real way (rules evaluated against InfluxDB).
    await createRule(hub, { id: 'gas-high', name: 'Methane high', severity: 'critical', selector: { domain: 'gas', metric: 'methane_pct_lel' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'above', value: 20 } });
    await createRule(hub, { id: 'water-low', name: 'Pressure low', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'below', value: 200 } });
    for (const [domain, id, metrics] of [['gas', 'acc-gas-1', { methane_pct_lel: 35 }], ['water', 'acc-water-1', { pressure_kpa: 120 }]] as const) {
      const device = await ScriptedDevice.connect(hub, domain, id);
      await device.report(metrics, 3, 100);
      await device.close();
    }
    const alerts = await waitFor(
      async () => (await hub.get<{ items: AlertView[] }>('/api/alerts?state=open')).body.items,
      (items) => items.length === 2,
      15_000,
      'a gas and a water alert',
    );
    gasAlert = alerts.find((alert) => alert.domain === 'gas')!;
    waterAlert = alerts.find((alert) => alert.domain === 'water')!;
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const auditOf = async (query: string): Promise<AuditEntry[]> => {
    const answer = await hub.get<{ items: AuditEntry[] }>(`/api/audit?${query}`);
    expect(answer.status).toBe(200);
    return answer.body.items;
  };

  it('answers 401 to every API route without credentials, but not to health and metrics', async () => {
    for (const path of ['/api/alerts', '/api/alerts/1', '/api/auth/me', '/api/operators', '/api/api-keys', '/api/audit', '/api/dead-letters', '/api/events', '/api/alert-rules']) {
      const answer = await send(hub, 'GET', path, {});
      expect([path, answer.status, answer.body]).toEqual([path, 401, { statusCode: 401, error: 'UNAUTHORIZED', code: 'unauthorized', message: 'log in, or send an API key as "Authorization: Bearer <key>"' }]);
    }
    expect((await send(hub, 'POST', `/api/alerts/${gasAlert.id}/acknowledge`, {}, {})).status).toBe(401);
    expect((await send(hub, 'GET', '/api/alerts', bearer('cshub_' + 'x'.repeat(43)))).status).toBe(401);
    expect((await send(hub, 'GET', '/api/health', {})).status).toBe(200);
    expect((await send(hub, 'GET', '/metrics', {})).status).toBe(200);
    const docs = await send<{ paths: Record<string, unknown> }>(hub, 'GET', '/api/docs-json', {});
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/auth/password', '/api/operators', '/api/operators/{username}', '/api/api-keys', '/api/api-keys/{id}', '/api/audit']),
    );
  });

  it('creates the first admin with a password in a 0600 file, logs where it is (never the password), and lets them in', async () => {
    const file = join(hub.dataDir, 'initial-admin-password');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(hub.output).toContain(`its password is in ${file}`);
    expect(hub.output).not.toContain(password);

    const session = await login(hub, 'admin', password);
    expect(session.setCookie).toMatch(/^hub_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const me = await send(hub, 'GET', '/api/auth/me', session.headers);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'operator', name: 'admin', role: 'admin', towns: [], domains: [] });
    // Changing the initial password removes the file: it would only be a stale secret on disk.
    const changed = await send(hub, 'POST', '/api/auth/password', session.headers, { currentPassword: password, newPassword: 'the chief’s own passphrase' });
    expect(changed.status).toBe(204);
    expect(() => statSync(file)).toThrow(/ENOENT/);

    const out = await send(hub, 'POST', '/api/auth/logout', session.headers, {});
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe('hub_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
    expect((await send(hub, 'GET', '/api/auth/me', session.headers)).status).toBe(401);
    expect((await auditOf('targetId=admin')).map((entry) => entry.action)).toEqual(['auth.logout', 'operator.password.change', 'auth.login', 'operator.create']);
  });

  it('gives a wrong password and an unknown user the same answer, then backs off with 429 and Retry-After', async () => {
    await createOperator(hub, { username: 'victim', password: PASSWORD, role: 'viewer' });
    const wrong = await send(hub, 'POST', '/api/auth/login', {}, { username: 'victim', password: 'not the password' });
    const unknown = await send(hub, 'POST', '/api/auth/login', {}, { username: 'nobody-at-all', password: 'not the password' });
    expect([wrong.status, wrong.body]).toEqual([401, { statusCode: 401, error: 'UNAUTHORIZED', code: 'unauthorized', message: 'Wrong username or password' }]);
    expect([unknown.status, unknown.body]).toEqual([wrong.status, wrong.body]);
    expect(unknown.headers.get('set-cookie')).toBeNull();

    // Six failures in all: the sixth starts the back-off (1 s, doubling with each further failure).
    for (let attempt = 0; attempt < 5; attempt++) expect((await send(hub, 'POST', '/api/auth/login', {}, { username: 'victim', password: `guess ${attempt}` })).status).toBe(401);
    const throttled = await send(hub, 'POST', '/api/auth/login', {}, { username: 'victim', password: PASSWORD });
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '1']);
    expect(throttled.body).toEqual({ statusCode: 429, error: 'TOO_MANY_REQUESTS', code: 'too-many-requests', message: 'Too many failed attempts: try again in 1 s' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send(hub, 'POST', '/api/auth/login', {}, { username: 'victim', password: PASSWORD })).status).toBe(200);

    const failures = await auditOf('action=auth.login.fail');
    expect(failures.filter((entry) => entry.targetId === 'victim')).toHaveLength(6);
    expect(failures.filter((entry) => entry.targetId === null && entry.detail.reason === 'unknown-user')).toHaveLength(1);
    expect(JSON.stringify(failures)).not.toContain('nobody-at-all');
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/hub_logins_total\{outcome="throttled"\} 1\n/);
    expect(metrics).toMatch(/hub_logins_total\{outcome="refused"\} 7\n/);
  });

  it('lets a viewer key read but not acknowledge (403), an operator key acknowledge, and only an admin edit rules', async () => {
    const viewer = await createApiKey(hub, { name: 'wallboard', role: 'viewer' });
    const operator = await createApiKey(hub, { name: 'dispatch', role: 'operator' });
    expect((await send(hub, 'GET', `/api/alerts/${gasAlert.id}`, bearer(viewer.key))).status).toBe(200);
    const refused = await send(hub, 'POST', `/api/alerts/${gasAlert.id}/acknowledge`, bearer(viewer.key), { note: 'seen' });
    expect([refused.status, refused.body]).toEqual([403, { statusCode: 403, error: 'FORBIDDEN', code: 'forbidden', message: 'needs the operator role; key:wallboard is viewer' }]);
    const acknowledged = await send<AlertView>(hub, 'POST', `/api/alerts/${gasAlert.id}/acknowledge`, bearer(operator.key), { note: 'crew sent' });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'key:dispatch', acknowledgeNote: 'crew sent' });
    // The actor comes from the credentials; a body naming someone is refused.
    const impostor = await send<{ issues: unknown[] }>(hub, 'POST', `/api/alerts/${gasAlert.id}/comments`, bearer(operator.key), { by: 'chief', text: 'x' });
    expect([impostor.status, impostor.body.issues]).toEqual([400, [{ field: 'by', problem: 'is not accepted: the hub records the logged-in operator (or the API key) as the actor' }]]);

    expect((await send(hub, 'PATCH', '/api/alert-rules/gas-high', bearer(operator.key), { severity: 'warning' })).status).toBe(403);
    expect((await send(hub, 'POST', '/api/alert-silences', bearer(viewer.key), { domain: 'gas', duration: '1h', reason: 'x' })).status).toBe(403);
    expect((await send(hub, 'POST', '/api/operators', bearer(operator.key), { username: 'sneaky', password: PASSWORD, role: 'admin' })).status).toBe(403);
    expect((await send(hub, 'GET', '/api/audit', bearer(operator.key))).status).toBe(403);
    const admin = await createApiKey(hub, { name: 'rules-sync', role: 'admin' });
    expect((await send(hub, 'PATCH', '/api/alert-rules/gas-high', bearer(admin.key), { description: 'second stage' })).status).toBe(200);

    const [update] = await auditOf('action=rule.update');
    expect(update).toMatchObject({ actor: 'key:rules-sync', targetType: 'rule', targetId: 'gas-high', detail: { revision: { from: 1, to: 2 }, description: { from: '', to: 'second stage' } } });
    const [ack] = await auditOf(`targetType=alert&targetId=${gasAlert.id}`);
    expect(ack).toMatchObject({ actor: 'key:dispatch', action: 'alert.acknowledge', detail: { note: 'crew sent', ruleId: 'gas-high', deviceId: 'acc-gas-1' } });
    expect(Math.abs(Date.parse(ack.at) - Date.parse(acknowledged.body.acknowledgedAt!))).toBe(0);
  });

  it('refuses a disabled operator and a revoked key from the very next request', async () => {
    await createOperator(hub, { username: 'leaver', password: PASSWORD, role: 'operator' });
    const session = await login(hub, 'leaver', PASSWORD);
    expect((await send(hub, 'GET', '/api/alerts', session.headers)).status).toBe(200);
    const disabled = await hub.request('PATCH', '/api/operators/leaver', { disabled: true });
    expect([disabled.status, (disabled.body as { sessions: number }).sessions]).toEqual([200, 0]);
    expect((await send(hub, 'GET', '/api/alerts', session.headers)).status).toBe(401);
    expect((await send(hub, 'POST', '/api/auth/login', {}, { username: 'leaver', password: PASSWORD })).status).toBe(401);

    const key = await createApiKey(hub, { name: 'old-export', role: 'viewer' });
    expect((await send(hub, 'GET', '/api/alerts', bearer(key.key))).status).toBe(200);
    expect((await hub.request('DELETE', `/api/api-keys/${key.id}`)).status).toBe(204);
    expect((await send(hub, 'GET', '/api/alerts', bearer(key.key))).status).toBe(401);
    const listed = await hub.get<Array<{ name: string; revokedAt: string | null; lastUsedAt: string | null; prefix: string }>>('/api/api-keys');
    expect(listed.body.find((entry) => entry.name === 'old-export')).toMatchObject({ prefix: key.key.slice(0, 12), revokedAt: expect.any(String), lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(key.key);
    expect((await auditOf('targetId=leaver')).map((entry) => `${entry.actor} ${entry.action}`)).toEqual([
      'anonymous auth.login.fail',
      'bootstrap-key operator.disable',
      'leaver auth.login',
      'bootstrap-key operator.create',
    ]);
  });

  it('keeps a domain-scoped operator to their domain: the gas alert is 403 to read, list or act on, the water one is theirs', async () => {
    await createOperator(hub, { username: 'water.ops', password: PASSWORD, role: 'operator', domains: ['water'] });
    const water = await login(hub, 'water.ops', PASSWORD);
    const listed = await send<{ items: AlertView[]; matching: number }>(hub, 'GET', '/api/alerts', water.headers);
    expect(listed.body.items.map((alert) => alert.id)).toEqual([waterAlert.id]);
    expect(listed.body.matching).toBe(1);
    for (const [method, path, body] of [
      ['GET', `/api/alerts/${gasAlert.id}`, undefined],
      ['GET', `/api/alerts/${gasAlert.id}/history`, undefined],
      ['POST', `/api/alerts/${gasAlert.id}/resolve`, { note: 'not mine' }],
      ['POST', `/api/alerts/${gasAlert.id}/comments`, { text: 'not mine' }],
    ] as const) {
      const answer = await send<{ message: string }>(hub, method, path, water.headers, body);
      expect([path, answer.status, answer.body.message]).toEqual([path, 403, `Alert ${gasAlert.id} (gas) is outside the scope of water.ops (domains water)`]);
    }
    expect((await hub.get<AlertView>(`/api/alerts/${gasAlert.id}`)).body.state).toBe('acknowledged');
    const resolved = await send<AlertView>(hub, 'POST', `/api/alerts/${waterAlert.id}/resolve`, water.headers, { note: 'valve reopened' });
    expect(resolved.body).toMatchObject({ state: 'resolved', resolvedBy: 'water.ops' });
    // Silences: only inside their domain.
    expect((await send(hub, 'POST', '/api/alert-silences', water.headers, { domain: 'gas', duration: '1h', reason: 'x' })).status).toBe(403);
    expect((await send(hub, 'POST', '/api/alert-silences', water.headers, { domain: 'water', duration: '1h', reason: 'flushing' })).status).toBe(201);

    // A town-scoped operator: these devices were provisioned without a town, so their alerts are in no town and none is
    // theirs (two towns with alerts each: town-scope.e2e-spec.ts).
    await createOperator(hub, { username: 'ashford', password: PASSWORD, role: 'operator', towns: ['Ashford'] });
    const ashford = await login(hub, 'ashford', PASSWORD);
    expect((await send<{ matching: number }>(hub, 'GET', '/api/alerts', ashford.headers)).body.matching).toBe(0);
    expect((await send(hub, 'GET', `/api/alerts/${waterAlert.id}`, ashford.headers)).status).toBe(403);
  });

  it('streams a scoped operator only their domain’s alert events, and ends the stream once they are disabled', async () => {
    await createOperator(hub, { username: 'gas.watch', password: PASSWORD, role: 'viewer', domains: ['gas'] });
    const gas = await login(hub, 'gas.watch', PASSWORD);
    const controller = new AbortController();
    const response = await fetch(`${hub.httpUrl}/api/events`, { headers: { accept: 'text/event-stream', ...gas.headers }, signal: controller.signal });
    expect(response.status).toBe(200);
    const events = new SseReader(response.body!.getReader());
    try {
      expect((await events.next())?.type).toBe('hello');
      // A water comment first, then a gas one: the first alert event this listener sees must be the gas one.
      expect((await hub.request('POST', `/api/alerts/${waterAlert.id}/comments`, { text: 'water note' })).status).toBe(201);
      expect((await hub.request('POST', `/api/alerts/${gasAlert.id}/comments`, { text: 'gas note' })).status).toBe(201);
      const seen = await events.until((event) => event.type === 'alert');
      expect(seen.data).toMatchObject({ event: { kind: 'commented', note: 'gas note', actor: 'bootstrap-key' }, alert: { id: gasAlert.id } });

      expect((await hub.request('PATCH', '/api/operators/gas.watch', { disabled: true })).status).toBe(200);
      const started = Date.now();
      expect(await events.until(() => false, 10_000).catch((error: Error) => error.message)).toBe('stream ended');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      controller.abort();
    }
  });

  it('refuses cookie-authenticated changes and logins that a cross-site form could send (415)', async () => {
    await createOperator(hub, { username: 'csrf.target', password: PASSWORD, role: 'operator' });
    const session = await login(hub, 'csrf.target', PASSWORD);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const answer = await fetch(`${hub.httpUrl}/api/alerts/${gasAlert.id}/comments`, { method: 'POST', headers: { ...session.headers, 'content-type': type }, body: 'text=pwned' });
      expect([type, answer.status]).toEqual([type, 415]);
    }
    const form = await fetch(`${hub.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=csrf.target&password=${encodeURIComponent(PASSWORD)}` });
    expect(form.status).toBe(415);
    expect(form.headers.get('set-cookie')).toBeNull();
    expect((await hub.get<AlertEventView[]>(`/api/alerts/${gasAlert.id}/history`)).body.filter((event) => event.note === 'pwned')).toEqual([]);
  });

  it('keeps sessions across a restart of the service', async () => {
    await createOperator(hub, { username: 'night.shift', password: PASSWORD, role: 'viewer' });
    const session: Session = await login(hub, 'night.shift', PASSWORD);
    await hub.stop();
    await hub.launch();
    const me = await send(hub, 'GET', '/api/auth/me', session.headers);
    expect([me.status, (me.body as { name: string }).name]).toEqual([200, 'night.shift']);
  });
});
