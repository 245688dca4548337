import { connectAsync, MqttClient } from 'mqtt';
import { runSimulation, SentReading } from '@hub/devices-sim';
import { REJECT_REASON_CODES, RejectReason } from '@hub/contract';
import type { DeadLetter, IngestStatsSnapshot } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { deviceLogin, provisioned, subscriberLogin } from '../harness/provision';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';

/**
 * The spine end to end, with nothing mocked: the simulator publishes over real MQTT (TCP and WebSocket) to the
 * real service process, which writes to a real influxd. Every valid reading must be in InfluxDB with its exact
 * values and event time; every invalid one must be in the dead-letter store with its reason.
 */
const DATABASE = 'hub_e2e';

interface DeadLetterPage {
  items: DeadLetter[];
  matching: number;
  nextBefore: number | null;
  totals: { byReason: Partial<Record<RejectReason, number>>; evicted: number; stored: number };
}

describe('ingestion spine (real influxd, real MQTT, real service)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    // The county's zone: a day bucket of the read API is Shanghai's day (UTC+8, no daylight saving).
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '50ms', HUB_TIME_ZONE: 'Asia/Shanghai' });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const stats = async () => (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body;
  const deadLetters = async (query: string) => (await hub.get<DeadLetterPage>(`/api/dead-letters?${query}`)).body;
  const key = (reading: SentReading) => `${reading.deviceId}@${reading.ts}`;

  it('stores every valid reading exactly and dead-letters every invalid one with its reason', async () => {
    const before = await stats();
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      devicesPerDomain: 2,
      idPrefix: 'e2e-',
      count: 15,
      intervalMs: 20,
      qos: 1,
      seed: 7,
      recordReadings: true,
      faults: [
        { mode: 'out-of-range', domain: 'water', devices: 1, everyNth: 5 },
        { mode: 'malformed-json', domain: 'gas', devices: 1, everyNth: 4 },
        { mode: 'unknown-metric', domain: 'power', devices: 2, everyNth: 6, metric: 'reactive_power_kvar' },
      ],
    }));
    const sent = report.readings ?? [];
    const valid = sent.filter((reading) => reading.valid);
    const invalid = sent.filter((reading) => !reading.valid);
    expect(report.sent.readings).toBe(150);
    expect(report.acked).toBe(150);
    expect(report.unacked).toBe(0);
    expect(invalid).toHaveLength(3 + 3 + 4);
    expect(report.expectedRejections).toEqual({ VALUE_OUT_OF_RANGE: 3, MALFORMED_JSON: 3, METRIC_UNKNOWN: 4 });

    // A PUBACK means accepted by the writer; InfluxDB has it one flush interval later.
    const after = await waitFor(stats, (current) => current.written - before.written === valid.length, 10_000, 'all valid readings written');
    expect(after.received - before.received).toBe(150);
    expect(after.accepted - before.accepted).toBe(valid.length);
    expect(after.rejected - before.rejected).toBe(invalid.length);
    expect(after.balanced).toBe(true);

    const stored = await storedReadings(influxd, DATABASE, 'e2e-');
    expect(stored.size).toBe(valid.length);
    for (const reading of valid) expect([key(reading), stored.get(key(reading))]).toEqual([key(reading), reading.metrics]);

    const letters = await deadLetters('limit=1000');
    const ours = letters.items.filter((letter) => letter.deviceId?.startsWith('e2e-'));
    expect(ours).toHaveLength(invalid.length);
    const letterSummary = ours.map((letter) => `${letter.deviceId}:${letter.reason}`).sort();
    expect(letterSummary).toEqual(invalid.map((reading) => `${reading.deviceId}:${reading.expectedReason}`).sort());
    for (const letter of ours) {
      expect(letter.topic).toBe(`sensors/${letter.domain}/${letter.deviceId}/telemetry`);
      expect(letter.clientId).toBe(letter.deviceId);
      expect(letter.detail.length).toBeGreaterThan(0);
      expect(letter.payload.length).toBeGreaterThan(0);
    }
    const malformed = ours.find((letter) => letter.reason === 'MALFORMED_JSON');
    expect(() => JSON.parse(malformed?.payload ?? '')).toThrow();
  });

  it('keeps a buffered batch with old timestamps at its own event time and dead-letters only the bad entries', async () => {
    const twoHoursAgo = Date.now() - 2 * 3_600_000;
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['heat'],
      devicesPerDomain: 1,
      idPrefix: 'late-',
      count: 30,
      batchSize: 10,
      intervalMs: 60_000,
      publishIntervalMs: 20,
      startTs: twoHoursAgo,
      seed: 3,
      recordReadings: true,
      faults: [{ mode: 'out-of-range', metric: 'supply_temp_c', everyNth: 10 }],
    }));
    const sent = report.readings ?? [];
    expect(sent).toHaveLength(30);
    expect(report.sent.messages).toBe(3);
    expect(report.acked).toBe(30);
    const valid = sent.filter((reading) => reading.valid);
    expect(valid).toHaveLength(27);

    const stored = await waitFor(
      () => storedReadings(influxd, DATABASE, 'late-'),
      (found) => found.size >= 27,
      10_000,
      '27 late readings in InfluxDB',
    );
    expect(stored.size).toBe(27);
    for (const reading of valid) expect(stored.get(key(reading))).toEqual(reading.metrics);
    expect(Math.min(...valid.map((reading) => reading.ts ?? 0))).toBe(twoHoursAgo);

    const letters = await deadLetters('device=late-heat-1&reason=VALUE_OUT_OF_RANGE');
    expect(letters.matching).toBe(3);
    expect(letters.items.map((letter) => letter.batchIndex)).toEqual([9, 9, 9]);
    expect(letters.items[0].detail).toMatch(/^supply_temp_c -?[\d.e+]+ °C is outside \[0, 200\]$/);
  });

  it('takes readings over MQTT on WebSocket too', async () => {
    const report = await runSimulation(
      await provisioned(hub, { url: hub.wsUrl, domains: ['traffic'], devicesPerDomain: 2, idPrefix: 'ws-', count: 5, intervalMs: 20, recordReadings: true }),
    );
    expect(report.acked).toBe(10);
    const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'ws-'), (found) => found.size >= 10, 10_000, 'WebSocket readings');
    expect(stored.size).toBe(10);
    for (const reading of report.readings ?? []) expect(stored.get(key(reading))).toEqual(reading.metrics);
  });

  it('takes a reading from any MQTT client without ts at receive time, and answers it on the read API', async () => {
    const client: MqttClient = await connectAsync(hub.mqttUrl, await deviceLogin(hub, 'w-1', 'water'));
    const publishedAt = Date.now();
    await client.publishAsync('sensors/water/w-1/telemetry', JSON.stringify({ metrics: { pressure_kpa: 412.5, ph: 7.25 } }), { qos: 1 });
    await client.endAsync();
    const acknowledgedAt = Date.now();

    const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'w-1'), (found) => found.size === 1, 5_000, 'w-1 reading');
    const [[storedKey, metrics]] = [...stored];
    const ts = Number(storedKey.split('@')[1]);
    expect(ts).toBeGreaterThanOrEqual(publishedAt);
    expect(ts).toBeLessThanOrEqual(acknowledgedAt);
    expect(metrics).toEqual({ pressure_kpa: 412.5, ph: 7.25 });

    const readings = await hub.get<{ everyMs: number; metrics: Record<string, { unit: string; points: [number, number][] }> }>(
      `/api/devices/w-1/readings?from=${ts - 60_000}&to=${ts + 60_000}&every=1m`,
    );
    expect(readings.status).toBe(200);
    expect(readings.body.everyMs).toBe(60_000);
    const minute = Math.floor(ts / 60_000) * 60_000;
    expect(readings.body.metrics.pressure_kpa).toEqual({ unit: 'kPa', points: [[minute, 412.5]], min: [[minute, 412.5]], max: [[minute, 412.5]], count: [[minute, 1]] });
    expect(readings.body.metrics.ph.points).toEqual([[minute, 7.25]]);

    const device = await hub.get<{ deviceId: string; domain: string; online: boolean; lastValues: Record<string, number> }>('/api/devices/w-1');
    expect(device.body).toMatchObject({ deviceId: 'w-1', domain: 'water', online: false, lastValues: { pressure_kpa: 412.5, ph: 7.25 } });
  });

  it('buckets a day and a week as the county’s (HUB_TIME_ZONE), not UTC’s: 23:30 and 00:30 local fall in two days', async () => {
    const HOUR = 3_600_000;
    // Shanghai midnight of a day three days back: 16:00 UTC the day before.
    const localMidnight = Math.floor((Date.now() - 3 * 86_400_000) / 86_400_000) * 86_400_000 - 8 * HOUR;
    const lateEvening = localMidnight + 23.5 * HOUR; // 23:30 that day in Shanghai, 15:30 UTC
    const pastMidnight = localMidnight + 24.5 * HOUR; // 00:30 the next day in Shanghai, 16:30 UTC: the same UTC day
    const client: MqttClient = await connectAsync(hub.mqttUrl, await deviceLogin(hub, 'tz-1', 'water'));
    await client.publishAsync('sensors/water/tz-1/telemetry', JSON.stringify([{ ts: lateEvening, metrics: { pressure_kpa: 300 } }, { ts: pastMidnight, metrics: { pressure_kpa: 500 } }]), { qos: 1 });
    await client.endAsync();
    await waitFor(() => storedReadings(influxd, DATABASE, 'tz-1'), (found) => found.size === 2, 5_000, 'tz-1 readings');
    const read = async (every: string) =>
      (await hub.get<{ metrics: Record<string, { points: [number, number][] }> }>(`/api/devices/tz-1/readings?from=${localMidnight - 7 * 86_400_000}&to=${localMidnight + 2 * 86_400_000}&every=${every}`)).body.metrics.pressure_kpa.points;
    expect(await read('1d')).toEqual([
      [localMidnight, 300],
      [localMidnight + 24 * HOUR, 500],
    ]);
    // A week starts on Monday at 00:00 in Shanghai.
    const week = await read('7d');
    for (const [start] of week) {
      const local = new Date(start + 8 * HOUR);
      expect([local.getUTCDay(), local.getUTCHours(), local.getUTCMinutes()]).toEqual([1, 0, 0]);
    }
    expect(week.map(([, mean]) => mean).sort()).toEqual(new Date(localMidnight + 8 * HOUR).getUTCDay() === 0 ? [300, 500] : [400]);
  });

  it('averages readings into the requested buckets by event time', async () => {
    const start = Math.floor((Date.now() - 600_000) / 60_000) * 60_000;
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['gas'],
      devicesPerDomain: 1,
      idPrefix: 'avg-',
      count: 6,
      intervalMs: 20_000,
      publishIntervalMs: 10,
      startTs: start,
      recordReadings: true,
    }));
    await waitFor(() => storedReadings(influxd, DATABASE, 'avg-'), (found) => found.size === 6, 5_000, 'avg readings');
    const sent = report.readings ?? [];
    const response = await hub.get<{ metrics: Record<string, { points: [number, number][] }> }>(
      `/api/devices/avg-gas-1/readings?from=${new Date(start).toISOString()}&to=${start + 120_000}&every=1m`,
    );
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const firstMinute = sent.slice(0, 3).map((reading) => reading.metrics.pressure_kpa);
    const secondMinute = sent.slice(3, 6).map((reading) => reading.metrics.pressure_kpa);
    const points = response.body.metrics.pressure_kpa.points;
    expect(points.map(([time]) => time)).toEqual([start, start + 60_000]);
    expect(points[0][1]).toBeCloseTo(mean(firstMinute), 9);
    expect(points[1][1]).toBeCloseTo(mean(secondMinute), 9);
  });

  it('tracks presence: online while connected, offline by last will when a device drops', async () => {
    const report = await runSimulation(await provisioned(hub, {
      url: hub.mqttUrl,
      domains: ['power'],
      devicesPerDomain: 2,
      idPrefix: 'will-',
      count: 4,
      intervalMs: 50,
      faults: [{ mode: 'silent', devices: 1, fromReading: 3, disconnect: true }],
    }));
    expect(report.devices.dropped).toBe(1);
    type DeviceView = { deviceId: string; online: boolean; lastValues: Record<string, number> };
    const devices = await waitFor(
      async () => (await hub.get<DeviceView[]>('/api/devices')).body.filter((device) => device.deviceId.startsWith('will-')),
      (found) => found.length === 2 && found.every((device) => !device.online),
      5_000,
      'both devices offline',
    );
    expect(devices.map((device) => device.deviceId)).toEqual(['will-power-1', 'will-power-2']);
    expect(Object.keys(devices[0].lastValues).sort()).toEqual(
      ['active_power_kw', 'current_a', 'frequency_hz', 'power_factor', 'transformer_temp_c', 'voltage_v'].sort(),
    );
  });

  it('forwards valid telemetry to subscribers and keeps refused messages from them', async () => {
    const subscriber = await connectAsync(hub.mqttUrl, await subscriberLogin(hub, 'water-department-scada'));
    const received: string[] = [];
    subscriber.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
    await subscriber.subscribeAsync('sensors/water/fwd-1/#', { qos: 1 });
    const device = await connectAsync(hub.mqttUrl, await deviceLogin(hub, 'fwd-1', 'water'));
    const valid = JSON.stringify({ metrics: { ph: 7.4 } });
    await device.publishAsync('sensors/water/fwd-1/telemetry', valid, { qos: 1 });
    await device.publishAsync('sensors/water/fwd-1/telemetry', JSON.stringify({ metrics: { ph: 99 } }), { qos: 1 });
    await device.publishAsync('sensors/water/fwd-1/telemetry', '{"metrics":', { qos: 1 });
    await device.publishAsync('sensors/water/fwd-1/status', 'online', { qos: 1 });
    await device.publishAsync('sensors/water/fwd-1/status', 'sleepy', { qos: 1 });
    await waitFor(async () => received.length, (count) => count >= 2, 5_000, 'forwarded messages');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await device.endAsync();
    await subscriber.endAsync();
    expect(received).toEqual([`sensors/water/fwd-1/telemetry ${valid}`, 'sensors/water/fwd-1/status online']);
    const letters = await deadLetters('device=fwd-1');
    expect(letters.items.map((letter) => letter.reason).sort()).toEqual(['MALFORMED_JSON', 'STATUS_INVALID', 'VALUE_OUT_OF_RANGE']);
  });

  it('dead-letters an oversized payload, and closes the connection of one too large to read at all', async () => {
    const device = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, 'big-1', 'water')), reconnectPeriod: 0 });
    // Over the 256 KiB payload limit but under twice it: read, refused, dead-lettered with its start, acknowledged.
    const oversized = JSON.stringify({ metrics: { ph: 7 }, pad: 'x'.repeat(300 * 1024) });
    await device.publishAsync('sensors/water/big-1/telemetry', oversized, { qos: 1 });
    const letters = await deadLetters('device=big-1');
    expect(letters.items).toHaveLength(1);
    expect(letters.items[0]).toMatchObject({ reason: 'PAYLOAD_TOO_LARGE', payloadBytes: Buffer.byteLength(oversized), payloadTruncated: true });
    expect(letters.items[0].detail).toBe(`payload is ${Buffer.byteLength(oversized)} bytes, limit 262144`);

    // Far beyond: refused from its header, before the body is buffered; the connection is closed.
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish('sensors/water/big-1/telemetry', Buffer.alloc(4 * 1024 * 1024, 0x20), { qos: 1 });
    await closed;
    device.end(true);
    const refused = await waitFor(
      () => deadLetters('reason=PAYLOAD_TOO_LARGE&limit=10'),
      (page) => page.items.some((letter) => letter.clientId === 'big-1' && letter.topic === '(not read)'),
      5_000,
      'the refused packet in the dead letters',
    );
    const letter = refused.items.find((item) => item.topic === '(not read)');
    expect(letter).toMatchObject({ clientId: 'big-1', payloadBytes: 0 });
    expect(letter?.detail).toMatch(/^MQTT packet of 41943\d\d bytes exceeds the 589824-byte limit; connection closed$/);
    const health = await hub.get<{ broker: { ok: boolean } }>('/api/health');
    expect(health.body.broker.ok).toBe(true);
  });

  it('refuses bad API parameters with a 400 that names the parameter', async () => {
    const bad = await hub.get<{ statusCode: number; message: string }>('/api/dead-letters?reason=NOPE');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(`Invalid query parameter reason="NOPE": expected one of ${REJECT_REASON_CODES.join(', ')}`);
    expect((await hub.get('/api/dead-letters?limit=0')).status).toBe(400);
    expect((await hub.get('/api/devices/w-1/readings?every=1x')).status).toBe(400);
    expect((await hub.get('/api/devices/nobody/readings')).status).toBe(404);
  });

  it('reports health, the Prometheus metrics and the OpenAPI document', async () => {
    const health = await hub.get<{ status: string; influx: { ok: boolean; kind: string }; broker: { ok: boolean }; store: { ok: boolean } }>('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', influx: { ok: true, kind: 'influxdb-v1' }, broker: { ok: true }, store: { ok: true } });

    // Compare at rest: nothing buffered, so no write can land between the two reads.
    const current = await waitFor(stats, (snapshot) => snapshot.buffered === 0, 5_000, 'writer at rest');
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toContain(`hub_readings_received_total ${current.received}`);
    expect(metrics).toContain(`hub_readings_rejected_total{reason="MALFORMED_JSON"} ${current.rejectedByReason.MALFORMED_JSON ?? 0}`);
    expect(metrics).toContain(`hub_readings_written_total ${current.written}`);
    expect(metrics).toMatch(/hub_write_batch_seconds_count [1-9]\d*/);

    const docs = await hub.get<{ paths: Record<string, unknown> }>('/api/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/dead-letters', '/api/devices', '/api/devices/{id}', '/api/devices/{id}/readings', '/api/health', '/api/ingest/stats']),
    );
  });
});
