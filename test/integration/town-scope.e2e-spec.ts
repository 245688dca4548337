import { connectAsync, MqttClient } from 'mqtt';
import type { AlertEventView, AlertView } from '@hub/alerts';
import type { Domain } from '@hub/contract';
import type { DeviceView } from '@hub/devices';
import { createRule } from '../harness/alerts-api';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { connectIntegration, grants } from '../harness/mqtt-perimeter';
import { bearer, createApiKey, createOperator, login, send, Session } from '../harness/operators';
import { deviceLogin, provisionDevice } from '../harness/provision';
import { SseReader } from '../harness/sse-reader';
import { waitFor } from '../harness/wait-for';

interface AuditEntry {
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  detail: Record<string, unknown>;
}

interface DeadLetterPage {
  items: Array<{ deviceId: string | null; reason: string }>;
  matching: number;
}

const PASSWORD = 'correct horse battery staple';

/** Two towns, a water and a gas device in each; every device raises one alert. */
const FLEET = [
  { deviceId: 'ash-w-1', domain: 'water', town: 'Ashford', metrics: { pressure_kpa: 150 } },
  { deviceId: 'ash-g-1', domain: 'gas', town: 'Ashford', metrics: { methane_pct_lel: 35 } },
  { deviceId: 'brk-w-1', domain: 'water', town: 'Brookfield', metrics: { pressure_kpa: 140 } },
  { deviceId: 'brk-g-1', domain: 'gas', town: 'Brookfield', metrics: { methane_pct_lel: 40 } },
] as const satisfies ReadonlyArray<{ deviceId: string; domain: Domain; town: string; metrics: Record<string, number> }>;

/**
 * Town scope end to end, against the real service, real MQTT and a real influxd: devices provisioned in two towns
 * raise alerts the real way (rules evaluated against InfluxDB); a town-scoped integration client receives only its
 * town's messages over MQTT; a town-scoped operator sees and acts only on its town's alerts, devices, readings, dead
 * letters and live events (403 with a clear message for the other town's, changing nothing); a domain-scoped API key
 * the same for its domain. Town and site names with invisible characters are refused at provisioning.
 */
describe('town and domain scope (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const devices = new Map<string, MqttClient>();
  const subscribers: MqttClient[] = [];
  const received = { ashfordWater: [] as string[], county: [] as string[] };
  const alertOf = new Map<string, AlertView>();
  let ashford: Session;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'town_scope', HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_ALERT_DEFAULT_RULES: 'off' });
    await createRule(hub, { id: 'water-low', name: 'Pressure low', severity: 'warning', selector: { domain: 'water', metric: 'pressure_kpa' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'below', value: 200, for: '0s' } });
    await createRule(hub, { id: 'gas-high', name: 'Methane high', severity: 'critical', selector: { domain: 'gas', metric: 'methane_pct_lel' }, evaluateEvery: '1s', condition: { type: 'threshold', operator: 'above', value: 20, for: '0s' } });

    // Each device announces itself with a retained status before anyone subscribes: the retained copies handed out on
    // SUBSCRIBE must be filtered by town as much as live messages.
    for (const { deviceId, domain, town } of FLEET) {
      await provisionDevice(hub, deviceId, domain, { town, site: `${town} depot` });
      const client = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, deviceId, domain)), reconnectPeriod: 0 });
      devices.set(deviceId, client);
      await client.publishAsync(`sensors/${domain}/${deviceId}/status`, 'online', { qos: 1, retain: true });
    }

    const ashfordClient = await hub.request<{ secret: string }>('POST', '/api/mqtt-clients', { name: 'ashford.water', domains: ['water'], towns: ['Ashford'] });
    const countyClient = await hub.request<{ secret: string }>('POST', '/api/mqtt-clients', { name: 'county.ops', domains: [], towns: [] });
    expect([ashfordClient.status, countyClient.status]).toEqual([201, 201]);
    const ashfordWater = await connectIntegration(hub.mqttUrl, 'ashford.water', ashfordClient.body.secret);
    const county = await connectIntegration(hub.mqttUrl, 'county.ops', countyClient.body.secret);
    subscribers.push(ashfordWater, county);
    ashfordWater.on('message', (topic) => received.ashfordWater.push(topic));
    county.on('message', (topic) => received.county.push(topic));
    expect(await grants(ashfordWater, { 'sensors/water/#': { qos: 1 }, 'alerts/water/#': { qos: 1 } })).toEqual([1, 1]);
    expect(await grants(county, { 'sensors/#': { qos: 1 }, 'alerts/#': { qos: 1 } })).toEqual([1, 1]);

    for (let index = 0; index < 3; index++) {
      for (const { deviceId, domain, metrics } of FLEET) {
        await devices.get(deviceId)!.publishAsync(`sensors/${domain}/${deviceId}/telemetry`, JSON.stringify({ metrics }), { qos: 1 });
      }
    }
    // Every reading is acknowledged, so stored. Under load they can reach the rules' evaluations in two passes (the
    // second raising an alert's count): the alerts are read once a pass that started after the last one has run, so
    // nothing changes them behind the tests' backs.
    const lastAcknowledged = Date.now();
    await waitFor(
      async () => Promise.all(['water-low', 'gas-high'].map(async (id) => (await hub.get<{ evaluatedThrough: string | null }>(`/api/alert-rules/${id}/evaluations`)).body.evaluatedThrough)),
      (through) => through.every((at) => at !== null && Date.parse(at) > lastAcknowledged),
      20_000,
      'an evaluation of both rules after the last reading',
    );
    const alerts = (await hub.get<{ items: AlertView[] }>('/api/alerts?state=open')).body.items;
    expect(alerts.length).toBe(FLEET.length);
    for (const alert of alerts) alertOf.set(alert.deviceId, alert);
    await createOperator(hub, { username: 'ashford.ops', password: PASSWORD, role: 'operator', towns: ['Ashford'] });
    ashford = await login(hub, 'ashford.ops', PASSWORD);
  });

  afterAll(async () => {
    await Promise.all([...subscribers, ...devices.values()].map((client) => client.endAsync(true)));
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const alert = (deviceId: string): AlertView => alertOf.get(deviceId)!;
  const auditOf = async (query: string): Promise<AuditEntry[]> => (await hub.get<{ items: AuditEntry[] }>(`/api/audit?${query}`)).body.items;

  it('raises each alert with its device’s town from the registry', () => {
    expect([...alertOf.values()].map((alert) => [alert.deviceId, alert.domain, alert.town]).sort()).toEqual([
      ['ash-g-1', 'gas', 'Ashford'],
      ['ash-w-1', 'water', 'Ashford'],
      ['brk-g-1', 'gas', 'Brookfield'],
      ['brk-w-1', 'water', 'Brookfield'],
    ]);
  });

  it('delivers a town-scoped MQTT client exactly its town’s telemetry, status and alerts; a county-wide one gets all', async () => {
    // The county-wide client shows that every message, the other town's too, has gone out.
    await waitFor(async () => received.county.filter((topic) => topic.startsWith('alerts/')).length, (count) => count === FLEET.length, 20_000, 'all alerts on MQTT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const each = (deviceId: string, domain: string, severity: string): string[] => [
      `alerts/${domain}/${severity}/${deviceId}`,
      `sensors/${domain}/${deviceId}/status`,
      ...Array<string>(3).fill(`sensors/${domain}/${deviceId}/telemetry`),
    ];
    expect([...received.county].sort()).toEqual(
      [...each('ash-g-1', 'gas', 'critical'), ...each('ash-w-1', 'water', 'warning'), ...each('brk-g-1', 'gas', 'critical'), ...each('brk-w-1', 'water', 'warning')].sort(),
    );
    expect([...received.ashfordWater].sort()).toEqual(each('ash-w-1', 'water', 'warning').sort());
  });

  it('lists a town-scoped operator only their town’s alerts, and answers 403 to reading or acting on another town’s, changing nothing', async () => {
    const listed = await send<{ items: AlertView[]; matching: number }>(hub, 'GET', '/api/alerts', ashford.headers);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item) => item.deviceId).sort()).toEqual(['ash-g-1', 'ash-w-1']);
    expect(listed.body.matching).toBe(2);
    // Asking for the other town by filter does not widen the scope.
    expect((await send<{ matching: number }>(hub, 'GET', '/api/alerts?town=Brookfield', ashford.headers)).body.matching).toBe(0);

    const other = alert('brk-w-1');
    const before = { alert: (await hub.get<AlertView>(`/api/alerts/${other.id}`)).body, history: (await hub.get<AlertEventView[]>(`/api/alerts/${other.id}/history`)).body };
    expect(before.alert.state).toBe('firing');
    for (const [method, path, body] of [
      ['GET', `/api/alerts/${other.id}`, undefined],
      ['GET', `/api/alerts/${other.id}/history`, undefined],
      ['POST', `/api/alerts/${other.id}/acknowledge`, { note: 'not ours' }],
      ['POST', `/api/alerts/${other.id}/resolve`, { note: 'not ours' }],
      ['POST', `/api/alerts/${other.id}/comments`, { text: 'not ours' }],
    ] as const) {
      const answer = await send<{ statusCode: number; error: string; message: string }>(hub, method, path, ashford.headers, body);
      expect([method, path, answer.status, answer.body]).toEqual([
        method,
        path,
        403,
        { statusCode: 403, error: 'FORBIDDEN', code: 'forbidden', message: `Alert ${other.id} (water, Brookfield) is outside the scope of ashford.ops (towns Ashford)` },
      ]);
    }
    // The rule keeps evaluating while the condition holds (each pass counts and refreshes the values): everything an
    // operator's request could change must be as it was.
    const { count: _count, updatedAt: _updatedAt, value: _value, valueAt: _valueAt, peak: _peak, ...untouched } = before.alert;
    expect((await hub.get<AlertView>(`/api/alerts/${other.id}`)).body).toMatchObject({ ...untouched, state: 'firing', acknowledgedBy: null, acknowledgeNote: null });
    expect((await hub.get<AlertEventView[]>(`/api/alerts/${other.id}/history`)).body).toEqual(before.history);
    expect(await auditOf(`targetType=alert&targetId=${other.id}`)).toEqual([]);
    expect((await auditOf('actor=ashford.ops')).map((entry) => entry.action)).toEqual(['auth.login']);
  });

  it('lets the town-scoped operator acknowledge their own town’s alert, recorded in the audit log with their name', async () => {
    const own = alert('ash-w-1');
    const acknowledged = await send<AlertView>(hub, 'POST', `/api/alerts/${own.id}/acknowledge`, ashford.headers, { note: 'crew on the way' });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ id: own.id, state: 'acknowledged', acknowledgedBy: 'ashford.ops', acknowledgeNote: 'crew on the way' });
    expect((await auditOf('actor=ashford.ops&targetType=alert')).map(({ actor, action, targetType, targetId, detail }) => ({ actor, action, targetType, targetId, detail }))).toEqual([
      {
        actor: 'ashford.ops',
        action: 'alert.acknowledge',
        targetType: 'alert',
        targetId: String(own.id),
        detail: { ruleId: 'water-low', deviceId: 'ash-w-1', domain: 'water', town: 'Ashford', note: 'crew on the way' },
      },
    ]);
  });

  it('shows the town-scoped operator only their town’s devices and readings (403 for the other town’s)', async () => {
    const listed = await send<DeviceView[]>(hub, 'GET', '/api/devices', ashford.headers);
    expect(listed.body.map((device) => [device.deviceId, device.town, device.site])).toEqual([
      ['ash-g-1', 'Ashford', 'Ashford depot'],
      ['ash-w-1', 'Ashford', 'Ashford depot'],
    ]);
    expect((await send<DeviceView[]>(hub, 'GET', '/api/devices?town=Brookfield', ashford.headers)).body).toEqual([]);
    expect((await send(hub, 'GET', '/api/devices/ash-w-1', ashford.headers)).status).toBe(200);
    const readings = await send<{ metrics: Record<string, { points: Array<[number, number]> }> }>(hub, 'GET', '/api/devices/ash-w-1/readings', ashford.headers);
    expect(readings.status).toBe(200);
    expect(new Set(readings.body.metrics.pressure_kpa.points.map(([, value]) => value))).toEqual(new Set([150]));

    for (const path of ['/api/devices/brk-w-1', '/api/devices/brk-w-1/readings']) {
      const answer = await send<{ message: string }>(hub, 'GET', path, ashford.headers);
      expect([path, answer.status, answer.body.message]).toEqual([path, 403, 'Device brk-w-1 is outside the towns and domains ashford.ops may see']);
    }
  });

  it('lists the town-scoped operator only the dead letters of their town’s devices', async () => {
    for (const { deviceId, domain } of FLEET) {
      await devices.get(deviceId)!.publishAsync(`sensors/${domain}/${deviceId}/telemetry`, JSON.stringify({ metrics: { [domain === 'water' ? 'pressure_kpa' : 'methane_pct_lel']: 'high' } }), { qos: 1 });
    }
    const all = await hub.get<DeadLetterPage>('/api/dead-letters');
    expect(all.body.items.map((letter) => `${letter.deviceId} ${letter.reason}`).sort()).toEqual(FLEET.map(({ deviceId }) => `${deviceId} VALUE_NOT_NUMBER`).sort());
    const theirs = await send<DeadLetterPage>(hub, 'GET', '/api/dead-letters', ashford.headers);
    expect(theirs.body.items.map((letter) => letter.deviceId).sort()).toEqual(['ash-g-1', 'ash-w-1']);
    expect(theirs.body.matching).toBe(2);
    expect((await send<DeadLetterPage>(hub, 'GET', '/api/dead-letters?device=brk-w-1', ashford.headers)).body).toMatchObject({ items: [], matching: 0 });
  });

  it('keeps the other town’s device and alert events off the town-scoped operator’s live stream', async () => {
    const open = async (headers: Record<string, string>): Promise<{ events: SseReader; close: () => void }> => {
      const controller = new AbortController();
      const response = await fetch(`${hub.httpUrl}/api/events`, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
      expect(response.status).toBe(200);
      const events = new SseReader(response.body!.getReader());
      expect((await events.next())?.type).toBe('hello');
      return { events, close: () => controller.abort() };
    };
    /** "device brk-w-1", "alert ash-g-1": each device and alert event read until all of `expected` came. */
    const eventsUntil = async (events: SseReader, expected: string[]): Promise<string[]> => {
      const seen: string[] = [];
      await events.until((event) => {
        if (event.type !== 'device' && event.type !== 'alert') return false;
        const data = event.data as { device?: { deviceId: string }; alert?: { deviceId: string } };
        seen.push(`${event.type} ${data.device?.deviceId ?? data.alert?.deviceId}`);
        return expected.every((entry) => seen.includes(entry));
      });
      return seen;
    };
    const theirs = await open(ashford.headers);
    const witness = await open(hub.adminHeaders);
    try {
      // Brookfield first, seen by the county-wide witness, then Ashford: the town-scoped stream is read until Ashford's
      // events, so Brookfield's would be among what it carried had they not been left out.
      await devices.get('brk-w-1')!.endAsync();
      expect((await hub.request('POST', `/api/alerts/${alert('brk-g-1').id}/comments`, { text: 'brookfield note' })).status).toBe(201);
      expect(await eventsUntil(witness.events, ['alert brk-g-1', 'device brk-w-1'])).toEqual(expect.arrayContaining(['alert brk-g-1', 'device brk-w-1']));

      await devices.get('ash-w-1')!.endAsync();
      expect((await hub.request('POST', `/api/alerts/${alert('ash-g-1').id}/comments`, { text: 'ashford note' })).status).toBe(201);
      const carried = await eventsUntil(theirs.events, ['alert ash-g-1', 'device ash-w-1']);
      expect(carried.filter((event) => !event.includes(' ash-'))).toEqual([]);
    } finally {
      theirs.close();
      witness.close();
    }
  });

  it('keeps a water-only API key to water: gas alerts and rules are 403, devices, dead letters and rules are water only', async () => {
    const { key } = await createApiKey(hub, { name: 'water-export', role: 'viewer', domains: ['water'] });
    const alerts = await send<{ items: AlertView[] }>(hub, 'GET', '/api/alerts', bearer(key));
    expect(alerts.body.items.map((item) => item.deviceId).sort()).toEqual(['ash-w-1', 'brk-w-1']);
    const gas = alert('brk-g-1');
    const refused = await send<{ message: string }>(hub, 'GET', `/api/alerts/${gas.id}`, bearer(key));
    expect([refused.status, refused.body.message]).toEqual([403, `Alert ${gas.id} (gas, Brookfield) is outside the scope of key:water-export (domains water)`]);
    expect((await send<DeviceView[]>(hub, 'GET', '/api/devices', bearer(key))).body.map((device) => device.deviceId)).toEqual(['ash-w-1', 'brk-w-1']);
    expect((await send(hub, 'GET', '/api/devices/ash-g-1/readings', bearer(key))).status).toBe(403);
    expect((await send<DeadLetterPage>(hub, 'GET', '/api/dead-letters', bearer(key))).body.items.map((letter) => letter.deviceId).sort()).toEqual(['ash-w-1', 'brk-w-1']);
    // Rules too: the gas rule's selector is not the water department's to read.
    expect((await send<Array<{ id: string }>>(hub, 'GET', '/api/alert-rules', bearer(key))).body.map((rule) => rule.id)).toEqual(['water-low']);
    for (const path of ['/api/alert-rules/gas-high', '/api/alert-rules/gas-high/evaluations']) {
      const answer = await send<{ message: string }>(hub, 'GET', path, bearer(key));
      expect([path, answer.status, answer.body.message]).toEqual([path, 403, 'Rule gas-high (gas) is outside the scope of key:water-export (domains water)']);
    }
  });

  it('keeps an Ashford admin key to Ashford MQTT clients: no county-wide client made, listed, widened or its secret taken', async () => {
    const { key } = await createApiKey(hub, { name: 'ashford-admin', role: 'admin', towns: ['Ashford'] });
    const as = (method: string, path: string, body?: unknown) => send<{ message: string }>(hub, method, path, bearer(key), body);
    expect((await as('POST', '/api/mqtt-clients', { name: 'ashford.everything' })).status).toBe(403);
    expect((await as('POST', '/api/mqtt-clients/county.ops/secret')).status).toBe(403);
    expect((await as('PATCH', '/api/mqtt-clients/ashford.water', { towns: ['Ashford', 'Brookfield'] })).status).toBe(403);
    expect((await as('GET', '/api/mqtt-clients/county.ops')).status).toBe(403);
    const listed = await send<Array<{ name: string }>>(hub, 'GET', '/api/mqtt-clients', bearer(key));
    expect(listed.body.map((client) => client.name)).toEqual(['ashford.water']);
    expect((await as('POST', '/api/mqtt-clients', { name: 'ashford.gis', towns: ['Ashford'] })).status).toBe(201);
  });

  it('refuses a town or site name with a bidi override or a zero-width space, over the JSON API (400) and in a CSV import (refused row)', async () => {
    const invisible = 'must not contain control or invisible formatting characters (line breaks, tabs, bidi overrides, zero-width spaces)';
    const single = await hub.request<{ statusCode: number; issues: unknown[] }>('POST', '/api/devices', { deviceId: 'odd-1', domain: 'heat', town: 'Ash\u202eford' });
    expect([single.status, single.body.issues]).toEqual([400, [{ field: 'town', problem: `${invisible}; found "\\u202e" in "Ash\\u202eford"` }]]);
    const response = await fetch(`${hub.httpUrl}/api/devices/import`, {
      method: 'POST',
      headers: { ...hub.adminHeaders, 'content-type': 'text/csv' },
      body: 'device_id,domain,town,site\nodd-2,heat,Carlow,Mill\u200bLane\nodd-3,heat,Carlow,Mill Lane\n',
    });
    const csv = { status: response.status, body: (await response.json()) as { created: Array<{ deviceId: string }>; refused: unknown[] } };
    expect(csv.status).toBe(200);
    expect(csv.body.created.map((entry) => entry.deviceId)).toEqual(['odd-3']);
    expect(csv.body.refused).toEqual([{ line: 2, deviceId: 'odd-2', problems: [{ field: 'site', problem: `${invisible}; found "\\u200b" in "Mill\\u200bLane"` }] }]);
    expect((await hub.get('/api/devices/odd-1')).status).toBe(404);
  });
});
