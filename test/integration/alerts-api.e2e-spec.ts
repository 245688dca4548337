import { DEFAULT_ALERT_RULES, type AlertRuleDocument } from '@hub/alerts';
import { call, createRule, ScriptedDevice } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { waitFor } from '../harness/wait-for';

interface ApiError {
  statusCode: number;
  message: string;
  issues?: Array<{ field: string; problem: string }>;
}

interface EvaluationStatus {
  ruleId: string;
  scheduled: boolean;
  ok: number;
  failed: number;
  lastError: string | null;
}

/**
 * The alert API of the real service: the default pack on first start (and only then), rule CRUD with precise 400s,
 * jobs following rule changes, silences, alert workflow errors, the OpenAPI document and boot-time configuration.
 */
describe('alert API (real service, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'alerts_api' });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const rules = async (): Promise<AlertRuleDocument[]> => (await call<AlertRuleDocument[]>(hub, 'GET', '/api/alert-rules')).body;
  const status = async (id: string) => call<EvaluationStatus>(hub, 'GET', `/api/alert-rules/${id}/evaluations`);

  it('loads the default pack on the first start, schedules every rule, and evaluates each against InfluxDB', async () => {
    expect((await rules()).map((rule) => rule.id)).toEqual(DEFAULT_ALERT_RULES.map((rule) => String(rule.id)).sort());
    const methane = (await rules()).find((rule) => rule.id === 'gas-methane-alarm');
    expect(methane).toMatchObject({
      severity: 'critical',
      evaluateEvery: '30s',
      revision: 1,
      condition: { type: 'threshold', operator: 'above', value: 20, clear: 10, for: '0s', clearFor: '1m' },
    });
    for (const rule of await rules()) {
      const evaluated = await waitFor(() => status(rule.id), (answer) => answer.body.ok >= 1, 10_000, `first evaluation of ${rule.id}`);
      expect(evaluated.body).toMatchObject({ ruleId: rule.id, scheduled: true, failed: 0, lastError: null });
    }
  });

  it('keeps edits and deletions of the default pack across restarts, and does not load it again', async () => {
    const patched = await call<AlertRuleDocument>(hub, 'PATCH', '/api/alert-rules/gas-methane-alarm', { condition: { value: 25 }, revision: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ revision: 2, condition: { value: 25, clear: 10 } });
    expect((await call(hub, 'DELETE', '/api/alert-rules/traffic-congested')).status).toBe(204);
    await hub.stop();
    await hub.launch();
    const after = await rules();
    expect(after).toHaveLength(DEFAULT_ALERT_RULES.length - 1);
    expect(after.find((rule) => rule.id === 'gas-methane-alarm')).toMatchObject({ revision: 2, condition: { value: 25 } });
    expect(after.find((rule) => rule.id === 'traffic-congested')).toBeUndefined();
  });

  it('refuses an invalid rule with a 400 naming each field and what is allowed', async () => {
    const answer = await call<ApiError>(hub, 'POST', '/api/alert-rules', {
      name: 'Pressure',
      severity: 'urgent',
      selector: { domain: 'water', metric: 'pressure_psi' },
      evaluateEvery: 'often',
      condition: { type: 'threshold', operator: 'above', value: 5, clear: 9 },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { field: 'severity', problem: 'must be one of info, warning, critical, got "urgent"', code: 'one-of', params: { allowed: 'info, warning, critical', got: '"urgent"' } },
      { field: 'evaluateEvery', problem: 'must be a duration like 500ms, 30s, 5m, 2h or 1d (or milliseconds) from 1s to 1h, got "often"', code: 'duration', params: { min: '1s', max: '1h', got: '"often"' } },
      { field: 'selector.metric', problem: 'must be a water metric: one of pressure_kpa, flow_m3h, level_m, turbidity_ntu, chlorine_mgl, ph' },
      { field: 'condition.clear', problem: 'must be at or below condition.value (5) for operator "above"' },
    ]);
    expect(answer.body.message).toMatch(/^Invalid alert rule: severity must be one of info, warning, critical/);
    const malformed = await fetch(`${hub.httpUrl}/api/alert-rules`, { method: 'POST', headers: { 'content-type': 'application/json', ...hub.adminHeaders }, body: '{"name": ' });
    expect(malformed.status).toBe(400);
  });

  it('adds, disables, re-enables and removes evaluation jobs as rules change, without a restart', async () => {
    const created = await createRule(hub, {
      name: 'Chlorine very low',
      severity: 'warning',
      selector: { domain: 'water', metric: 'chlorine_mgl', deviceIds: ['api-water-1'] },
      evaluateEvery: '2s',
      condition: { type: 'threshold', operator: 'below', value: 0.1, clear: 0.15 },
    });
    expect(created).toMatchObject({ id: 'chlorine-very-low', revision: 1, enabled: true });
    await waitFor(() => status('chlorine-very-low'), (answer) => answer.body.ok >= 1, 5000, 'the new rule evaluated');
    expect((await call(hub, 'POST', '/api/alert-rules', { ...created, revision: undefined })).status).toBe(409);

    const disabled = await call<AlertRuleDocument>(hub, 'PUT', '/api/alert-rules/chlorine-very-low', { ...created, enabled: false });
    expect(disabled.body).toMatchObject({ enabled: false, revision: 2 });
    expect((await status('chlorine-very-low')).body.scheduled).toBe(false);
    const conflict = await call<ApiError>(hub, 'PATCH', '/api/alert-rules/chlorine-very-low', { enabled: true, revision: 1 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toBe('Alert rule chlorine-very-low is at revision 2, not 1: fetch it again and reapply the change');
    expect((await call(hub, 'PATCH', '/api/alert-rules/chlorine-very-low', { enabled: true })).status).toBe(200);
    expect((await status('chlorine-very-low')).body.scheduled).toBe(true);

    expect((await call(hub, 'DELETE', '/api/alert-rules/chlorine-very-low')).status).toBe(204);
    expect((await status('chlorine-very-low')).status).toBe(404);
    expect((await call(hub, 'GET', '/api/alert-rules/chlorine-very-low')).status).toBe(404);
  });

  it('resolves a deleted rule’s open alerts and answers operator mistakes with 400/404/409', async () => {
    await createRule(hub, {
      id: 'api-level',
      name: 'Reservoir low',
      severity: 'warning',
      selector: { domain: 'water', metric: 'level_m', deviceIds: ['api-water-2'] },
      evaluateEvery: '1s',
      condition: { type: 'threshold', operator: 'below', value: 2 },
    });
    const device = await ScriptedDevice.connect(hub, 'water', 'api-water-2');
    await device.report({ level_m: 1.2 }, 5, 100);
    await device.close();
    const [alert] = await waitFor(
      async () => (await call<{ items: Array<{ id: number; state: string }> }>(hub, 'GET', '/api/alerts?rule=api-level')).body.items,
      (items) => items.length === 1,
      5000,
      'the level alert',
    );
    expect((await call<ApiError>(hub, 'POST', `/api/alerts/${alert.id}/acknowledge`, { by: 'j.smith' })).body.issues).toEqual([
      { field: 'by', problem: 'is not accepted: the hub records the logged-in operator (or the API key) as the actor' },
    ]);
    expect((await call<ApiError>(hub, 'POST', `/api/alerts/${alert.id}/comments`, {})).body.issues).toEqual([{ field: 'text', problem: 'is required', code: 'required' }]);
    expect((await call(hub, 'POST', `/api/alerts/${alert.id}/comments`, { text: 'tanker ordered' })).status).toBe(201);
    expect((await call(hub, 'POST', '/api/alerts/999999/resolve', {})).status).toBe(404);
    expect((await call(hub, 'GET', '/api/alerts/abc')).status).toBe(400);
    expect((await call<ApiError>(hub, 'GET', '/api/alerts?state=burning')).body.message).toBe(
      'Invalid query parameter state="burning": expected one of firing, acknowledged, resolved, open',
    );
    expect((await call(hub, 'DELETE', '/api/alert-rules/api-level')).status).toBe(204);
    const resolved = await call<{ state: string; resolution: string }>(hub, 'GET', `/api/alerts/${alert.id}`);
    expect(resolved.body).toMatchObject({ state: 'resolved', resolution: 'rule-deleted' });
    expect((await call(hub, 'POST', `/api/alerts/${alert.id}/resolve`, {})).status).toBe(409);
    const history = await call<Array<{ kind: string; note: string | null }>>(hub, 'GET', `/api/alerts/${alert.id}/history`);
    expect(history.body.map((event) => [event.kind, event.note])).toEqual([
      ['fired', null],
      ['commented', 'tanker ordered'],
      ['resolved', 'rule "Reservoir low" deleted'],
    ]);
  });

  it('creates, lists, extends and deletes silences', async () => {
    const created = await call<{ id: number; endsAt: string; active: boolean }>(hub, 'POST', '/api/alert-silences', {
      town: 'Northfield',
      domain: 'water',
      duration: '2h',
      reason: 'mains renewal',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ town: 'Northfield', domain: 'water', deviceId: null, active: true, createdBy: 'bootstrap-key' });
    const listed = await call<Array<{ id: number }>>(hub, 'GET', '/api/alert-silences?active=true');
    expect(listed.body.map((silence) => silence.id)).toContain(created.body.id);
    const endsAt = new Date(Date.parse(created.body.endsAt) + 3_600_000).toISOString();
    const extended = await call<{ endsAt: string }>(hub, 'PATCH', `/api/alert-silences/${created.body.id}`, { endsAt });
    expect(extended.body.endsAt).toBe(endsAt);
    expect((await call<ApiError>(hub, 'POST', '/api/alert-silences', { reason: 'x', createdBy: 'y', duration: '1h' })).body.issues).toEqual([
      { field: 'deviceId', problem: 'or town or domain is required: what the silence covers' },
      { field: 'createdBy', problem: 'is not accepted: the hub records the logged-in operator (or the API key) as the silence’s author' },
    ]);
    expect((await call(hub, 'DELETE', `/api/alert-silences/${created.body.id}`)).status).toBe(204);
    expect((await call(hub, 'GET', `/api/alert-silences/${created.body.id}`)).status).toBe(404);
  });

  it('documents every alert endpoint in OpenAPI and exposes alert metrics', async () => {
    const docs = await hub.get<{ paths: Record<string, Record<string, unknown>> }>('/api/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/alert-rules',
        '/api/alert-rules/{id}',
        '/api/alert-rules/{id}/evaluations',
        '/api/alerts',
        '/api/alerts/{id}',
        '/api/alerts/{id}/history',
        '/api/alerts/{id}/acknowledge',
        '/api/alerts/{id}/resolve',
        '/api/alerts/{id}/comments',
        '/api/alert-silences',
        '/api/alert-silences/{id}',
      ]),
    );
    expect(Object.keys(docs.body.paths['/api/alert-rules/{id}']).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/hub_alert_evaluations_total\{rule="gas-methane-alarm",outcome="ok"\} [1-9]/);
    expect(metrics).toContain('# TYPE hub_alerts_open gauge');
    expect(metrics).toContain('# TYPE hub_alert_evaluation_seconds histogram');
  });

  it('refuses to boot with a bad alert setting, naming it', async () => {
    const error = (await HubProcess.start({ HUB_ALERT_WEBHOOKS: 'ftp://ops.example/x', HUB_ALERT_LATE_DATA: 'soon' }).catch((caught: Error) => caught)) as Error;
    expect(error.message).toContain('hub exited with code 78 before it was ready');
    expect(error.message).toContain('Invalid environment variable HUB_ALERT_LATE_DATA="soon": a duration like 500ms, 30s, 5m, 12h or 7d');
    expect(error.message).toContain('Invalid environment variable HUB_ALERT_WEBHOOKS="ftp://ops.example/x": a comma-separated list of http:// or https:// URLs');
  });
});
