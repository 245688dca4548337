import { gzipSync } from 'node:zlib';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { connectDevice } from '../harness/device-connection';
import { stats } from '../harness/hub-stats';
import { waitFor } from '../harness/wait-for';

/**
 * Every kind of bad input the HTTP API can get, against the real service: each must be a 4xx whose message names
 * what is wrong and what is allowed, never a 500 (a 500 is a bug the caller cannot fix), and good requests next to
 * them must still work.
 */
interface Case {
  readonly name: string;
  readonly method?: string;
  readonly path: string;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly message: string | RegExp;
}

const JSON_TYPE = { 'content-type': 'application/json' };

const VALID_RULE = {
  name: 'Input test rule',
  severity: 'info',
  enabled: false,
  selector: { domain: 'water', metric: 'ph' },
  condition: { type: 'threshold', operator: 'above', value: 9 },
};

const QUERY_CASES: Case[] = [
  { name: 'limit 0', path: '/api/dead-letters?limit=0', status: 400, message: 'Invalid query parameter limit="0": expected a whole number from 1 to 1000' },
  { name: 'limit too large', path: '/api/dead-letters?limit=1001', status: 400, message: 'Invalid query parameter limit="1001": expected a whole number from 1 to 1000' },
  { name: 'limit fractional', path: '/api/alerts?limit=1.5', status: 400, message: 'Invalid query parameter limit="1.5": expected a whole number from 1 to 1000' },
  { name: 'limit negative', path: '/api/alert-silences?limit=-1', status: 400, message: 'Invalid query parameter limit="-1": expected a whole number from 1 to 1000' },
  { name: 'limit text', path: '/api/dead-letters?limit=ten', status: 400, message: 'Invalid query parameter limit="ten": expected a whole number from 1 to 1000' },
  { name: 'cursor 0', path: '/api/dead-letters?before=0', status: 400, message: 'Invalid query parameter before="0": expected a whole number from 1 to 9007199254740991' },
  { name: 'cursor huge', path: '/api/alerts?before=99999999999999999999', status: 400, message: /^Invalid query parameter before="99999999999999999999": expected a whole number/ },
  { name: 'unknown reason', path: '/api/dead-letters?reason=NOPE', status: 400, message: /^Invalid query parameter reason="NOPE": expected one of TOPIC_INVALID, DOMAIN_UNKNOWN, / },
  { name: 'bad device id', path: '/api/dead-letters?device=a%20b', status: 400, message: 'Invalid query parameter device="a b": expected a device id matching [A-Za-z0-9_-]{1,64}' },
  { name: 'relative date', path: '/api/dead-letters?from=yesterday', status: 400, message: 'Invalid query parameter from="yesterday": expected epoch milliseconds or an ISO-8601 date-time with a zone' },
  { name: 'date without zone', path: '/api/alerts?to=2025-01-01T00:00:00', status: 400, message: /^Invalid query parameter to="2025-01-01T00:00:00": expected epoch milliseconds/ },
  { name: 'date past a Date', path: '/api/dead-letters?to=8640000000000001', status: 400, message: /^Invalid query parameter to="8640000000000001"/ },
  { name: '30 February', path: '/api/alerts?from=2024-02-30T00:00:00Z', status: 400, message: /^Invalid query parameter from="2024-02-30T00:00:00Z"/ },
  {
    name: 'from after to',
    path: '/api/dead-letters?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z',
    status: 400,
    message: 'Invalid query parameters: from (2025-01-02T00:00:00.000Z) must be before to (2025-01-01T00:00:00.000Z)',
  },
  { name: 'unknown state', path: '/api/alerts?state=closed', status: 400, message: 'Invalid query parameter state="closed": expected one of firing, acknowledged, resolved, open' },
  { name: 'unknown severity', path: '/api/alerts?severity=high', status: 400, message: 'Invalid query parameter severity="high": expected one of info, warning, critical' },
  { name: 'unknown domain', path: '/api/alerts?domain=sewage', status: 400, message: 'Invalid query parameter domain="sewage": expected one of water, power, gas, heat, traffic' },
  { name: 'flapping yes', path: '/api/alerts?flapping=yes', status: 400, message: 'Invalid query parameter flapping="yes": expected one of true, false' },
  { name: 'town too long', path: `/api/alerts?town=${'x'.repeat(101)}`, status: 400, message: /^Invalid query parameter town="x{100}…": expected text of at most 100 characters without control characters$/ },
  { name: 'town with a control character', path: '/api/alerts?town=a%07b', status: 400, message: 'Invalid query parameter town="a\\u0007b": expected text of at most 100 characters without control characters' },
  { name: 'active=false', path: '/api/alert-silences?active=false', status: 400, message: 'Invalid query parameter active="false": expected one of true' },
  { name: 'repeated parameter', path: '/api/alerts?town=a&town=b', status: 400, message: 'Query parameter "town" is given 2 times; give it once' },
  { name: 'bracket parameter', path: '/api/dead-letters?device[]=a', status: 400, message: 'Unknown query parameter "device[]"; allowed: reason, device, from, to, limit, before' },
  { name: 'typo', path: '/api/dead-letters?limt=5', status: 400, message: 'Unknown query parameter "limt"; allowed: reason, device, from, to, limit, before' },
  { name: '__proto__ parameter', path: '/api/alert-rules?__proto__=x', status: 400, message: 'Unknown query parameter "__proto__"; this endpoint takes no query parameters' },
  { name: 'a parameter where none is taken', path: '/api/health?verbose=1', status: 400, message: 'Unknown query parameter "verbose"; this endpoint takes no query parameters' },
  { name: 'undecodable value', path: '/api/dead-letters?from=%ff', status: 400, message: 'Invalid query parameter from="\ufffd": expected epoch milliseconds or an ISO-8601 date-time with a zone' },
  { name: 'bucket too small', path: '/api/devices/api-in-1/readings?every=1ms', status: 400, message: 'Invalid query parameter every="1ms": expected a duration like 10s, 5m, 1h or 1d, from 1000 ms to 2592000000 ms' },
  {
    name: 'readings from after to',
    path: '/api/devices/api-in-1/readings?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z',
    status: 400,
    message: 'from (2025-01-02T00:00:00.000Z) must be before to (2025-01-01T00:00:00.000Z)',
  },
  {
    name: 'too many buckets',
    path: '/api/devices/api-in-1/readings?from=0&to=86400000000&every=1s',
    status: 400,
    message: 'every=1000ms over 86400000000 ms gives more than 10000 points per metric; choose a larger every',
  },
  // InfluxDB keeps int64 nanoseconds: a query past 2262 failed there and came back as a 503.
  {
    name: 'after InfluxDB’s time range',
    path: '/api/devices/api-in-1/readings?from=9223372036000&to=9223372037000',
    status: 400,
    message: "to (2262-04-11T23:47:17.000Z) is outside InfluxDB's time range, 1677-09-21T00:12:43.146Z to 2262-04-11T23:47:16.854Z",
  },
  {
    name: 'before InfluxDB’s time range',
    path: '/api/devices/api-in-1/readings?from=1000-01-01T00:00:00Z&to=1000-01-01T01:00:00Z',
    status: 400,
    message: "from (1000-01-01T00:00:00.000Z) is outside InfluxDB's time range, 1677-09-21T00:12:43.146Z to 2262-04-11T23:47:16.854Z",
  },
];

const PATH_CASES: Case[] = [
  { name: 'alert id text', path: '/api/alerts/abc', status: 400, message: 'Invalid path parameter id="abc": expected an alert id (a whole number from 1)' },
  { name: 'alert id 0', path: '/api/alerts/0/history', status: 400, message: 'Invalid path parameter id="0": expected an alert id (a whole number from 1)' },
  { name: 'alert id 20 digits', path: '/api/alerts/99999999999999999999', status: 400, message: /^Invalid path parameter id="99999999999999999999"/ },
  { name: 'silence id negative', path: '/api/alert-silences/-1', status: 400, message: 'Invalid path parameter id="-1": expected a silence id (a whole number from 1)' },
  // These two said "query parameter" of a value sent in the path.
  { name: 'api key id text', method: 'DELETE', path: '/api/api-keys/abc', status: 400, message: 'Invalid path parameter id="abc": expected an API key id (a whole number from 1)' },
  {
    name: 'mqtt client name upper case',
    path: '/api/mqtt-clients/Water.SCADA',
    status: 400,
    message: 'Invalid path parameter name="Water.SCADA": expected an MQTT client name: lower-case words of a-z, 0-9, _ and - joined by dots, 3–64 characters, e.g. water.scada',
  },
  { name: 'unknown alert', path: '/api/alerts/424242', status: 404, message: /424242/ },
  { name: 'rule id upper case', path: '/api/alert-rules/Bad_Id', status: 400, message: 'Invalid alert rule id: id must be lower-case letters, digits and -, starting with a letter or digit, at most 64' },
  { name: 'rule id NUL', path: '/api/alert-rules/%00/evaluations', status: 400, message: /^Invalid alert rule id/ },
  { name: 'rule id 5000 characters', path: `/api/alert-rules/${'a'.repeat(5000)}`, status: 400, message: /^Invalid alert rule id/ },
  { name: 'unknown rule', path: '/api/alert-rules/no-such-rule', status: 404, message: /no-such-rule/ },
  { name: 'device id with a space', path: '/api/devices/a%20b', status: 400, message: 'Invalid path parameter id="a b": expected a device id matching [A-Za-z0-9_-]{1,64}' },
  { name: 'device id with a comma', path: '/api/devices/a,b=1/readings', status: 400, message: 'Invalid path parameter id="a,b=1": expected a device id matching [A-Za-z0-9_-]{1,64}' },
  { name: 'device id undecodable', path: '/api/devices/%ff', status: 400, message: "Failed to decode param '%ff'" },
  { name: 'unknown device', path: '/api/devices/never-seen', status: 404, message: 'Unknown device never-seen' },
];

const deep = (levels: number) => `{"name":${'['.repeat(levels)}${']'.repeat(levels)}}`;

const BODY_CASES: Case[] = [
  { name: 'malformed JSON', method: 'POST', path: '/api/alert-rules', body: '{"name":', headers: JSON_TYPE, status: 400, message: /^Request body is not valid JSON: / },
  { name: 'null body', method: 'POST', path: '/api/alert-rules', body: 'null', headers: JSON_TYPE, status: 400, message: 'Request body must be a JSON object or array, got "null"' },
  { name: 'a number body', method: 'PATCH', path: '/api/alert-silences/1', body: ' 42', headers: JSON_TYPE, status: 400, message: 'Request body must be a JSON object or array, got "42"' },
  { name: 'an array where an object is needed', method: 'POST', path: '/api/alert-rules', body: '[]', headers: JSON_TYPE, status: 400, message: 'Invalid alert rule: (body) must be a JSON object, got an array' },
  {
    name: '2 MB body',
    method: 'POST',
    path: '/api/alert-rules',
    body: `{"name":"${'x'.repeat(2_000_000)}"}`,
    headers: JSON_TYPE,
    status: 413,
    message: 'Request body of 2000011 bytes is larger than the limit of 1048576 bytes',
  },
  { name: 'text/plain', method: 'POST', path: '/api/alert-rules', body: JSON.stringify(VALID_RULE), headers: { 'content-type': 'text/plain' }, status: 415, message: 'Content-Type "text/plain" is not accepted here; send the body as application/json' },
  {
    name: 'a form',
    method: 'POST',
    path: '/api/alert-silences',
    body: 'deviceId=x&duration=1h',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    message: 'Content-Type "application/x-www-form-urlencoded" is not accepted here; send the body as application/json',
  },
  { name: 'no content type', method: 'POST', path: '/api/alert-rules', body: Buffer.from(JSON.stringify(VALID_RULE)), headers: {}, status: 415, message: 'Content-Type is missing; send the body as application/json' },
  { name: 'latin1', method: 'POST', path: '/api/alert-rules', body: '{}', headers: { 'content-type': 'application/json; charset=latin1' }, status: 415, message: 'Request body charset "latin1" is not supported; send UTF-8 JSON' },
  { name: 'UTF-16', method: 'POST', path: '/api/alert-rules', body: Buffer.from('{}', 'utf16le'), headers: { 'content-type': 'application/json; charset=utf-16le' }, status: 415, message: 'Request body charset "utf-16le" is not supported; send UTF-8 JSON' },
  { name: 'invalid UTF-8', method: 'POST', path: '/api/alert-rules', body: Buffer.from([0x7b, 0x22, 0x6e, 0xff, 0x22, 0x3a, 0x31, 0x7d]), headers: JSON_TYPE, status: 400, message: 'Request body is not valid UTF-8' },
  { name: 'gzip that is not', method: 'POST', path: '/api/alert-rules', body: '{}', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, status: 400, message: 'Request body could not be decompressed as its Content-Encoding says: incorrect header check' },
  { name: 'unknown encoding', method: 'POST', path: '/api/alert-rules', body: '{}', headers: { ...JSON_TYPE, 'content-encoding': 'compress' }, status: 415, message: /^Content-Encoding "compress" is not supported/ },
  { name: '33 levels', method: 'POST', path: '/api/alert-rules', body: deep(32), headers: JSON_TYPE, status: 400, message: 'Request body nests arrays and objects deeper than 32 levels (byte 39)' },
  { name: '100k levels', method: 'PUT', path: '/api/alert-rules/gas-methane-alarm', body: deep(100_000), headers: JSON_TYPE, status: 400, message: /^Request body nests arrays and objects deeper than 32 levels/ },
  { name: '31 levels reach the validator', method: 'POST', path: '/api/alert-rules', body: deep(30), headers: JSON_TYPE, status: 400, message: /^Invalid alert rule: name must be a non-empty string/ },
  {
    name: '__proto__ key',
    method: 'PATCH',
    path: '/api/alert-rules/gas-methane-alarm',
    body: '{"__proto__":{"activeMonths":[1]}}',
    headers: JSON_TYPE,
    status: 400,
    message: 'Request body has a "__proto__" key, which is never a field here',
  },
  {
    name: 'escaped __proto__ key, nested',
    method: 'POST',
    path: '/api/alert-rules',
    body: '{"selector":{"\\u005f_proto__":{"domain":"gas"}}}',
    headers: JSON_TYPE,
    status: 400,
    message: 'Request body has a "__proto__" key, which is never a field here',
  },
  { name: 'constructor key', method: 'POST', path: '/api/alert-rules', body: '{"constructor":{"prototype":{"x":1}}}', headers: JSON_TYPE, status: 400, message: /^Invalid alert rule: constructor is not a known field/ },
];

describe('HTTP API input (real service)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'api_input', HUB_WRITE_FLUSH_INTERVAL: '20ms' });
    // A device the readings endpoint knows.
    const device = await connectDevice(hub, { domain: 'water', deviceId: 'api-in-1' });
    await device.publishAsync('sensors/water/api-in-1/telemetry', JSON.stringify({ metrics: { ph: 7 } }), { qos: 1 });
    await device.endAsync();
    await waitFor(() => stats(hub), (snapshot) => snapshot.written === 1, 10_000, 'the reading written');
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  async function send(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: { statusCode?: number; message?: unknown } }> {
    const response = await fetch(`${hub.httpUrl}${path}`, { method, headers: { ...hub.adminHeaders, ...headers }, body });
    const text = await response.text();
    expect([path.slice(0, 80), response.headers.get('content-type')]).toEqual([path.slice(0, 80), 'application/json; charset=utf-8']);
    return { status: response.status, json: JSON.parse(text) as { statusCode?: number; message?: unknown } };
  }

  describe.each([
    ['query parameters', QUERY_CASES],
    ['path parameters', PATH_CASES],
    ['bodies', BODY_CASES],
  ])('%s', (_group, cases) => {
    it.each(cases)('$name → $status', async ({ method = 'GET', path, body, headers, status, message }) => {
      const response = await send(method, path, body, headers);
      expect({ status: response.status, statusCode: response.json.statusCode }).toEqual({ status, statusCode: status });
      if (typeof message === 'string') expect(response.json.message).toBe(message);
      else expect(response.json.message).toMatch(message);
    });
  });

  it('names the parameter the caller sent, and its value, when only `to` is out of range (not the `from` derived from it)', async () => {
    const response = await send('GET', '/api/devices/api-in-1/readings?to=2300-01-01T00:00:00Z');
    expect(response).toEqual({
      status: 400,
      json: {
        statusCode: 400,
        error: 'BAD_REQUEST',
        code: 'invalid',
        message: "to (2300-01-01T00:00:00.000Z) is outside InfluxDB's time range, 1677-09-21T00:12:43.146Z to 2262-04-11T23:47:16.854Z",
      },
    });
  });

  it('still serves good requests: filters, a gzip body, an empty query value', async () => {
    expect((await send('GET', '/api/dead-letters?limit=5&device=&from=2025-01-01T00:00:00Z')).status).toBe(200);
    expect((await send('GET', '/api/alerts?state=open&domain=water&town=K%C3%B8ge&limit=10')).status).toBe(200);
    expect((await send('GET', '/api/devices/api-in-1/readings?every=10s')).status).toBe(200);
    const created = await send('POST', '/api/alert-rules', gzipSync(JSON.stringify(VALID_RULE)), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect([created.status, (created.json as { name?: string }).name]).toEqual([201, VALID_RULE.name]);
  });

  it('answered every bad request without an error in the service log', () => {
    expect(hub.output).not.toMatch(/Unhandled error|Request failed/);
  });
});
