import { request } from 'node:http';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { DeadLetter, IngestStatsSnapshot } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { basicAuthorization, postReadings } from '../harness/http-ingest';
import { InfluxdProcess } from '../harness/influxd-process';
import { provisionDevice } from '../harness/provision';
import { settled, stats } from '../harness/hub-stats';
import { storedReadings } from '../harness/stored-readings';

/**
 * HTTP ingest against the real service and a real influxd: what a device gets for each thing it can get wrong —
 * credentials, the path, the body's type, size and contents — with exact statuses and messages, the same dead letters
 * and accounting as MQTT, and the readings it was told were accepted in InfluxDB.
 */
const DATABASE = 'hub_http_ingest';
const MAX_PAYLOAD_BYTES = 4096;
const LOGIN_FAILURES = 30;

describe('HTTP ingest (real influxd, real service, real HTTP)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  let secret: string;
  let before: IngestStatsSnapshot;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: DATABASE,
      HUB_WRITE_FLUSH_INTERVAL: '20ms',
      HUB_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES),
      HUB_MAX_BATCH_READINGS: '20',
      HUB_MQTT_LOGIN_FAILURES: String(LOGIN_FAILURES),
      HUB_MQTT_LOGIN_BLOCK: '30s',
    });
    secret = await provisionDevice(hub, 'hi-w-1', 'water', { town: 'Ashford' });
    await provisionDevice(hub, 'hi-w-2', 'water');
    before = await stats(hub);
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const post = (body: unknown, options: { deviceId?: string; domain?: string; headers?: Record<string, string>; secret?: string } = {}) =>
    postReadings(hub, { domain: options.domain ?? 'water', deviceId: options.deviceId ?? 'hi-w-1', body, headers: options.headers, secret: options.secret ?? secret });
  const lettersOf = async (deviceId: string): Promise<DeadLetter[]> => (await hub.get<{ items: DeadLetter[] }>(`/api/dead-letters?device=${deviceId}&limit=1000`)).body.items.reverse();
  const ts = Date.now() - 600_000;

  it('stores a reading posted with the device secret as Bearer, and a batch posted as Basic id:secret, once durable', async () => {
    expect(await post({ ts, seq: 1, metrics: { pressure_kpa: 412.5 } })).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0, refused: [] } });
    const batch = [
      { ts: ts + 1, seq: 2, metrics: { pressure_kpa: 413 } },
      { ts: ts + 2, seq: 3, metrics: { pressure_kpa: 'high' } },
      { ts: ts + 3, seq: 4, metrics: { pressure_kpa: 414, flow_m3h: 120 } },
      { ts: ts + 4, metrics: { pressure_kpa: 9999 } },
    ];
    const answer = await post(batch, { headers: { authorization: basicAuthorization('hi-w-1', secret) } });
    expect(answer).toMatchObject({ status: 200 });
    expect(answer.body).toEqual({
      accepted: 2,
      duplicates: 0,
      refused: [
        { index: 1, reason: 'VALUE_NOT_NUMBER', message: 'pressure_kpa is the string "high", not a number' },
        { index: 3, reason: 'VALUE_OUT_OF_RANGE', message: expect.stringMatching(/^pressure_kpa 9999 kPa is outside/) },
      ],
    });
    // The answer came once the readings were durable: they are in InfluxDB (or the spool) now. InfluxDB is up, so there.
    await settled(hub);
    const stored = await storedReadings(influxd, DATABASE, 'hi-w-1');
    expect(Object.fromEntries(stored)).toEqual({
      [`hi-w-1@${ts}`]: { pressure_kpa: 412.5 },
      [`hi-w-1@${ts + 1}`]: { pressure_kpa: 413 },
      [`hi-w-1@${ts + 3}`]: { flow_m3h: 120, pressure_kpa: 414 },
    });
    expect((await lettersOf('hi-w-1')).map((letter) => [letter.reason, letter.batchIndex, letter.topic, letter.clientId, letter.payload])).toEqual([
      ['VALUE_NOT_NUMBER', 1, 'sensors/water/hi-w-1/telemetry', 'hi-w-1', JSON.stringify(batch[1])],
      ['VALUE_OUT_OF_RANGE', 3, 'sensors/water/hi-w-1/telemetry', 'hi-w-1', JSON.stringify(batch[3])],
    ]);
  });

  it('answers a resend (same seq and ts) as a duplicate, stored once', async () => {
    expect(await post([{ ts, seq: 1, metrics: { pressure_kpa: 412.5 } }, { ts: ts + 5, seq: 5, metrics: { pressure_kpa: 415 } }])).toMatchObject({
      status: 200,
      body: { accepted: 1, duplicates: 1, refused: [] },
    });
  });

  it('marks the device as heard from, not as connected', async () => {
    const { body } = await hub.get<{ online: boolean; lastSeen: number | null; lastValues: Record<string, number> }>('/api/devices/hi-w-1');
    expect(body).toMatchObject({ online: false, lastValues: { pressure_kpa: 415, flow_m3h: 120 } });
    expect(body.lastSeen).toBeGreaterThan(ts);
  });

  it('answers 422 when no reading was valid, listing each refusal', async () => {
    const answer = await post([{ ts, metrics: { voltage_v: 230 } }, 7]);
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      statusCode: 422,
      error: 'UNPROCESSABLE_ENTITY',
      message: expect.stringMatching(/^No reading was accepted: 2 refused \(first at index 0: METRIC_UNKNOWN: .*voltage_v/),
      accepted: 0,
      duplicates: 0,
      refused: [
        { index: 0, reason: 'METRIC_UNKNOWN', message: expect.any(String) },
        { index: 1, reason: 'READING_NOT_OBJECT', message: expect.any(String) },
      ],
    });
    expect((await post({ metrics: {} })).body).toMatchObject({ statusCode: 422, refused: [{ index: null, reason: 'METRICS_MISSING' }] });
    expect((await post([])).body).toMatchObject({ statusCode: 422, refused: [{ index: null, reason: 'BATCH_EMPTY', message: 'payload is an empty array' }] });
  });

  it.each([
    ['truncated JSON', '{"metrics":', 'MALFORMED_JSON'],
    ['a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"metrics":{"pressure_kpa":1}}')]), 'MALFORMED_JSON'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'MALFORMED_JSON'],
    ['a repeated key', '{"metrics":{"pressure_kpa":1,"pressure_kpa":2}}', 'DUPLICATE_KEY'],
    ['40 levels of nesting', `${'['.repeat(40)}${']'.repeat(40)}`, 'NESTING_TOO_DEEP'],
  ])('answers 400 for %s and dead-letters the raw body as MQTT does', async (_case, body, reason) => {
    const answer = await post(Buffer.from(body));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, error: 'BAD_REQUEST', accepted: 0, duplicates: 0, refused: [{ index: null, reason }] });
    expect(answer.body.message).toBe(`Request body is not a JSON reading or array of readings (${reason}): ${answer.body.refused[0].message}`);
    const letter = (await lettersOf('hi-w-1')).at(-1);
    expect(letter).toMatchObject({ reason, batchIndex: null, payloadBytes: Buffer.from(body).length });
  });

  it('answers 413 for a body over HUB_MAX_PAYLOAD_BYTES, declared or streamed, and dead-letters it unread', async () => {
    const big = JSON.stringify({ metrics: { pressure_kpa: 1 }, pad: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({
      statusCode: 413,
      error: 'PAYLOAD_TOO_LARGE',
      message: `Request body payload is ${big.length} bytes, limit ${MAX_PAYLOAD_BYTES}; send fewer readings per request`,
      refused: [{ index: null, reason: 'PAYLOAD_TOO_LARGE' }],
    });
    const streamed = await chunkedPost(hub, '/api/ingest/water/hi-w-1', secret, Buffer.from(big));
    expect(streamed).toEqual({ status: 413, message: `Request body payload is more than ${MAX_PAYLOAD_BYTES} bytes, limit ${MAX_PAYLOAD_BYTES}; send fewer readings per request` });
    const letters = (await lettersOf('hi-w-1')).slice(-2);
    expect(letters.map((letter) => [letter.reason, letter.detail, letter.payloadBytes])).toEqual([
      ['PAYLOAD_TOO_LARGE', `payload is ${big.length} bytes, limit ${MAX_PAYLOAD_BYTES}`, 0],
      ['PAYLOAD_TOO_LARGE', `payload is more than ${MAX_PAYLOAD_BYTES} bytes, limit ${MAX_PAYLOAD_BYTES}`, 0],
    ]);
  });

  it.each([
    [{ 'content-type': 'text/plain' }, 'Content-Type "text/plain" is not accepted here; send the body as application/json'],
    [{ 'content-type': 'application/json; charset=latin1' }, 'Request body charset "latin1" is not supported; send UTF-8 JSON'],
    [{ 'content-encoding': 'gzip' }, 'Content-Encoding "gzip" is not accepted here; send the readings uncompressed'],
  ])('answers 415 for %j', async (headers, message) => {
    expect(await post({ metrics: { pressure_kpa: 1 } }, { headers })).toMatchObject({ status: 415, body: { statusCode: 415, message } });
  });

  it.each([
    ['no credential', { authorization: '' }],
    ['a wrong secret', { authorization: 'Bearer not-the-secret' }],
    ['the secret of another device id', { authorization: basicAuthorization('hi-w-2', 'x') }],
    ['an admin API key', undefined],
  ])('answers 401 for %s, with WWW-Authenticate', async (_case, headers) => {
    const answer = await post({ metrics: { pressure_kpa: 1 } }, { headers: headers ?? hub.adminHeaders });
    expect(answer).toMatchObject({
      status: 401,
      wwwAuthenticate: 'Basic realm="county-sensing-hub", charset="UTF-8", Bearer realm="county-sensing-hub"',
      body: { statusCode: 401, message: 'unknown device or wrong secret: send the device secret as "Authorization: Bearer <secret>" or Basic <device id>:<secret>' },
    });
  });

  it('answers 401 naming what is wrong with a malformed Authorization header', async () => {
    expect(await post({ metrics: { pressure_kpa: 1 } }, { headers: { authorization: 'Digest x' } })).toMatchObject({
      status: 401,
      body: { message: 'the Authorization scheme is neither Basic nor Bearer; unknown device or wrong secret: send the device secret as "Authorization: Bearer <secret>" or Basic <device id>:<secret>' },
    });
  });

  it('answers 403 for readings posted for another device or domain, dead-lettered as TOPIC_FORBIDDEN under the sender', async () => {
    const other = await post({ metrics: { pressure_kpa: 1 } }, { deviceId: 'hi-w-2', headers: { authorization: basicAuthorization('hi-w-1', secret) } });
    expect(other).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'FORBIDDEN', accepted: 0, refused: [{ index: null, reason: 'TOPIC_FORBIDDEN' }] },
    });
    expect(other.body.message).toContain('sensors/water/hi-w-1/telemetry');
    expect((await post({ metrics: { pressure_kpa: 1 } }, { domain: 'gas' })).status).toBe(403);
    const letters = (await lettersOf('hi-w-1')).slice(-2);
    expect(letters.map((letter) => [letter.reason, letter.topic])).toEqual([
      ['TOPIC_FORBIDDEN', 'sensors/water/hi-w-2/telemetry'],
      ['TOPIC_FORBIDDEN', 'sensors/gas/hi-w-1/telemetry'],
    ]);
  });

  it('answers 403 for a disabled device with the right secret', async () => {
    const disabledSecret = await provisionDevice(hub, 'hi-w-3', 'water');
    expect((await hub.request('PATCH', '/api/devices/hi-w-3', { enabled: false })).status).toBe(200);
    expect(await post({ metrics: { pressure_kpa: 1 } }, { deviceId: 'hi-w-3', secret: disabledSecret })).toMatchObject({
      status: 403,
      body: { statusCode: 403, message: 'this device may not send readings (disabled, rejected, without a domain, or waiting in quarantine while quarantine mode is off)' },
    });
  });

  it('takes nothing from a body cut off before its end, and carries on', async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = connect(hub.ports.httpPort, '127.0.0.1', () => {
        socket.write(`POST /api/ingest/water/hi-w-1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"metrics":`);
        setTimeout(() => socket.destroy(), 200);
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    expect(await post({ ts: ts + 6, metrics: { pressure_kpa: 416 } })).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(hub.output).not.toMatch(/Unhandled error|ERR_HTTP_HEADERS_SENT/);
  });

  it('accounts for every posted reading exactly as for MQTT, and the accounting balances', async () => {
    const after = await settled(hub);
    const delta = (key: 'received' | 'accepted' | 'rejected' | 'duplicates' | 'written') => after[key] - before[key];
    // Accepted: 1 + 2 + 1 + 1. Refused: 2 + 2 + 1 + 1 (422s), 5 (400s), 2 (413s), 2 (403s). One resend. The cut-off body: nothing.
    expect({ received: delta('received'), accepted: delta('accepted'), rejected: delta('rejected'), duplicates: delta('duplicates'), written: delta('written'), balanced: after.balanced }).toEqual({
      received: 5 + 15 + 1,
      accepted: 5,
      rejected: 15,
      duplicates: 1,
      written: 5,
      balanced: true,
    });
    expect(after.rejectedByReason).toMatchObject({ PAYLOAD_TOO_LARGE: 2, TOPIC_FORBIDDEN: 2, MALFORMED_JSON: 3, DUPLICATE_KEY: 1, NESTING_TOO_DEEP: 1 });
  });

  it('holds what an unknown device posts in quarantine mode (202, DEVICE_QUARANTINED) and stores it once approved, keeping its first secret', async () => {
    const quarantine = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_DEVICE_ADMISSION: 'quarantine' });
    try {
      const firstSecret = randomBytes(32).toString('base64url');
      const held = await postReadings(quarantine, { domain: 'gas', deviceId: 'hq-gas-1', body: { ts, metrics: { pressure_kpa: 3.1 } }, secret: firstSecret });
      expect(held).toMatchObject({
        status: 202,
        body: { accepted: 0, duplicates: 0, refused: [{ index: null, reason: 'DEVICE_QUARANTINED', message: 'device hq-gas-1 is quarantined: held until an operator approves it' }] },
      });
      expect((await quarantine.get<Array<{ deviceId: string; domain: string | null; status: string }>>('/api/devices?status=quarantined')).body).toEqual([
        expect.objectContaining({ deviceId: 'hq-gas-1', domain: 'gas', status: 'quarantined' }),
      ]);
      // Until approval it must come with the same secret.
      expect((await postReadings(quarantine, { domain: 'gas', deviceId: 'hq-gas-1', body: { metrics: { pressure_kpa: 3.1 } }, secret: randomBytes(32).toString('base64url') })).status).toBe(401);
      expect((await quarantine.request('POST', '/api/devices/hq-gas-1/approve', { town: 'Ashford' })).status).toBe(200);
      expect(await postReadings(quarantine, { domain: 'gas', deviceId: 'hq-gas-1', body: { ts: ts + 1, metrics: { pressure_kpa: 3.2 } }, secret: firstSecret })).toMatchObject({ status: 200, body: { accepted: 1 } });
      await settled(quarantine);
      expect(Object.fromEntries(await storedReadings(influxd, DATABASE, 'hq-'))).toEqual({ [`hq-gas-1@${ts + 1}`]: { pressure_kpa: 3.2 } });
    } finally {
      await quarantine.cleanup();
    }
  });

  it('puts an address that keeps failing in the back-off it shares with MQTT logins: 429 with Retry-After, even with the right secret', async () => {
    // Refused logins so far: four 401s, the malformed header, the disabled device. Each counted once.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < LOGIN_FAILURES; attempt++) statuses.push((await post({ metrics: { pressure_kpa: 1 } }, { headers: { authorization: 'Bearer guess' } })).status);
    expect(statuses).toEqual([...Array<number>(LOGIN_FAILURES - 6).fill(401), ...Array<number>(6).fill(429)]);
    expect(await post({ metrics: { pressure_kpa: 1 } })).toMatchObject({
      status: 429,
      retryAfter: '30',
      body: { statusCode: 429, message: 'too many refused logins from this address; try again later' },
    });
  });
});

/** A body sent with Transfer-Encoding: chunked (no Content-Length), as a logger streaming its buffer would. */
function chunkedPost(hub: HubProcess, path: string, secret: string, body: Buffer): Promise<{ status: number; message: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, hub.httpUrl), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, 'transfer-encoding': 'chunked' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, message: (JSON.parse(Buffer.concat(chunks).toString()) as { message: string }).message }));
    });
    outgoing.on('error', reject);
    for (let at = 0; at < body.length; at += 1000) outgoing.write(body.subarray(at, at + 1000));
    outgoing.end();
  });
}
