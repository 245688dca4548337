import { connectAsync } from 'mqtt';
import { describeCatalogue } from '@hub/contract';
import { HubProcess } from '../harness/hub-process';
import { deviceLogin } from '../harness/provision';
import { InfluxdProcess } from '../harness/influxd-process';
import { SseReader } from '../harness/sse-reader';

/**
 * The console and its feed as served by the real service process: the app at `/` and at every page route, hashed
 * assets cached for good, the API namespaces untouched (an unknown /api path is still the API's JSON 404, even for
 * a browser), the catalogue from the contract, and the server-sent events the console lives on — including that an
 * open event stream does not hold up a graceful stop.
 */
describe('operator console served by the service (real process, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'console_serving', HUB_WRITE_FLUSH_INTERVAL: '50ms', HUB_ALERT_DEFAULT_RULES: 'off' });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const html = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
  // API calls carry the admin key; pages, assets, docs and metrics need none (the console logs in from the page).
  const get = (path: string, headers: Record<string, string> = html) => fetch(`${hub.httpUrl}${path}`, { headers });
  const api = (path: string, headers: Record<string, string>) => get(path, { ...headers, ...hub.adminHeaders });

  it('serves the app at / and at every page route, with a strict content security policy', async () => {
    for (const path of ['/', '/alerts', '/alerts/12', '/fleet?domain=gas', '/devices/gas-3', '/dead-letters', '/rules/new', '/silences', '/system']) {
      const response = await get(path);
      const body = await response.text();
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
      expect(body).toContain('<div id="app"></div>');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    }
  });

  it('serves the hashed bundle cached for good, and a missing asset as the API’s JSON 404', async () => {
    const index = await (await get('/')).text();
    const scripts = [...index.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]);
    const styles = [...index.matchAll(/href="(\/assets\/[^"]+\.css)"/g)].map((match) => match[1]);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    const script = await get(scripts[0], {});
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await script.text()).length).toBeGreaterThan(10_000);
    expect((await get(styles[0], {})).headers.get('content-type')).toMatch(/^text\/css/);

    const missing = await get('/assets/index-missing.js', {});
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ statusCode: 404, error: 'NOT_FOUND', code: 'not-found', message: 'Cannot GET /assets/index-missing.js' });
    expect((await get('/assets/../../package.json', {})).status).toBe(404);
  });

  it('leaves the API, its docs and the metrics alone: an unknown /api path is a JSON 404 even for a browser', async () => {
    const unknown = await get('/api/no-such-thing');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ statusCode: 404, error: 'NOT_FOUND', code: 'not-found', message: 'Cannot GET /api/no-such-thing' });
    const post = await fetch(`${hub.httpUrl}/`, { method: 'POST', headers: html });
    expect(post.status).toBe(404);

    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('hub_readings_received_total');
    const docs = await get('/api/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
    const openApi = (await (await get('/api/docs-json', {})).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openApi.paths)).toEqual(expect.arrayContaining(['/api/catalogue', '/api/events', '/api/alerts', '/api/devices']));
    const anonymous = await get('/api/devices', { Accept: 'application/json' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ statusCode: 401, error: 'UNAUTHORIZED', code: 'unauthorized', message: 'log in, or send an API key as "Authorization: Bearer <key>"' });
    expect((await get('/api/health', { Accept: 'application/json' })).status).toBe(200);
    expect((await api('/api/devices', { Accept: 'application/json' })).headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers the catalogue from the contract', async () => {
    const response = await api('/api/catalogue', { Accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(describeCatalogue())));
  });

  it('streams hello, then device and alert changes as they happen', async () => {
    const created = await fetch(`${hub.httpUrl}/api/alert-rules`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...hub.adminHeaders },
      body: JSON.stringify({
        id: 'sse-methane',
        name: 'Methane at or above 20 %LEL',
        severity: 'critical',
        selector: { domain: 'gas', metric: 'methane_pct_lel' },
        evaluateEvery: '1s',
        condition: { type: 'threshold', operator: 'above', value: 20, clear: 10 },
      }),
    });
    expect(created.status).toBe(201);

    const controller = new AbortController();
    const response = await fetch(`${hub.httpUrl}/api/events`, { headers: { Accept: 'text/event-stream', ...hub.adminHeaders }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = new SseReader(response.body!.getReader());
    try {
      const hello = await events.next();
      expect(hello?.type).toBe('hello');
      expect(hello?.retry).toBe(3000);

      const device = await connectAsync(hub.mqttUrl, await deviceLogin(hub, 'sse-gas-1', 'gas'));
      try {
        await device.publishAsync('sensors/gas/sse-gas-1/telemetry', JSON.stringify({ metrics: { methane_pct_lel: 35 } }), { qos: 1 });
        const appeared = await events.until((event) => event.type === 'device');
        expect(appeared.data).toMatchObject({ change: 'new', device: { deviceId: 'sse-gas-1', domain: 'gas', online: true, lastValues: { methane_pct_lel: 35 } } });

        const fired = await events.until((event) => event.type === 'alert');
        expect(fired.data).toMatchObject({
          event: { kind: 'fired', actor: 'system', toState: 'firing' },
          alert: { ruleId: 'sse-methane', deviceId: 'sse-gas-1', state: 'firing', value: 35, severity: 'critical' },
        });
        const alertId = (fired.data as { alert: { id: number } }).alert.id;
        expect(fired.id).toBe(String((fired.data as { event: { id: number } }).event.id));

        const acknowledged = await fetch(`${hub.httpUrl}/api/alerts/${alertId}/acknowledge`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...hub.adminHeaders },
          body: JSON.stringify({ note: 'on it' }),
        });
        expect(acknowledged.status).toBe(200);
        const ack = await events.until((event) => event.type === 'alert');
        expect(ack.data).toMatchObject({ event: { kind: 'acknowledged', actor: 'bootstrap-key', note: 'on it', fromState: 'firing' }, alert: { id: alertId, state: 'acknowledged' } });
        expect(Number(ack.id)).toBeGreaterThan(Number(fired.id));

        await device.endAsync();
        const gone = await events.until((event) => event.type === 'device');
        expect(gone.data).toMatchObject({ change: 'offline', device: { deviceId: 'sse-gas-1', online: false } });
      } finally {
        await device.endAsync(true);
      }
    } finally {
      controller.abort();
    }
  });

  it('does not let an open event stream hold up a graceful stop', async () => {
    const response = await fetch(`${hub.httpUrl}/api/events`, { headers: hub.adminHeaders });
    const events = new SseReader(response.body!.getReader());
    expect((await events.next())?.type).toBe('hello');
    const started = Date.now();
    const stopped = hub.stop();
    // The stream ends first (before the HTTP server closes and the writer drains), then the process exits.
    expect(await events.next(10_000)).toBeUndefined();
    await stopped;
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
