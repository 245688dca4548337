import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync, MqttClient } from 'mqtt';
import { HubProcess } from '../harness/hub-process';
import { bearer, createApiKey } from '../harness/operators';
import { repoRoot } from '../harness/repo-root';
import { postReadings } from '../harness/http-ingest';
import { InfluxdProcess } from '../harness/influxd-process';
import { deviceLogin, provisionDevice, subscriberLogin } from '../harness/provision';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';

interface DeadLetter {
  deviceId: string | null;
  reason: string;
  detail: string;
  payload: string;
  payloadEncoding: string;
}

interface ProfileView {
  id: string;
  version: number;
  devices: number;
  decoderStats: { decoded: number; refused: number; meanMicros: number | null };
}

const DATABASE = 'profiles';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A 4G RTU's own JSON: pressure in 0.1 kPa, a Beijing-time wall clock without a zone. */
const RTU_PROFILE = {
  id: 'acme-rtu',
  name: 'ACME 4G RTU',
  domain: 'water',
  decoder: { kind: 'mapping', metrics: { pressure_kpa: { expr: 'P1', unit: { fromExpr: 'unit', to: 'kPa' } } }, timestamp: { expr: 'T', format: 'local', zone: 'Asia/Shanghai' } },
  samples: [{ name: 'normal', payload: '{"P1": 4125, "unit": "0.1kPa", "T": "2026-12-05 10:00:00"}', encoding: 'text' }],
};

/** An NB-IoT pressure logger through the carrier's platform: two bytes, big-endian, 0.1 kPa, posted as hex text. */
const HEX_LOGGER_PROFILE = {
  id: 'nb-logger',
  name: 'NB-IoT pressure logger (hex over HTTP)',
  domain: 'water',
  decoder: { kind: 'script', payload: 'hex', source: 'function decodeUplink(input) { return { data: { pressure_kpa: ((input.bytes[0] << 8) | input.bytes[1]) / 10 } }; }' },
};

const script = (id: string, body: string) => ({ id, name: id, domain: 'water', decoder: { kind: 'script', source: `function decodeUplink(input) { ${body} }` } });

/** Beijing wall-clock text of an instant, as a Chinese RTU writes it. */
function beijing(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Device profiles against the real service, real MQTT and HTTP clients and a real influxd: a vendor's JSON mapped
 * with unit conversion, an NB-IoT hex logger through a sandboxed codec, hostile codecs costing only their own
 * messages, "try it" without storing, and the admin rules around profiles.
 */
describe('device profiles and decoders (real service, real MQTT and HTTP, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_ALERT_DEFAULT_RULES: 'off', HUB_WRITE_FLUSH_INTERVAL: '50ms' });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync()));
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  async function connect(deviceId: string): Promise<MqttClient> {
    const client = await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, deviceId, 'water')), reconnectPeriod: 0 });
    clients.push(client);
    return client;
  }

  async function createProfile(body: object): Promise<void> {
    const created = await hub.request<ProfileView>('POST', '/api/device-profiles', body);
    expect([created.status, created.body.version]).toEqual([201, 1]);
  }

  async function assign(deviceId: string, profileId: string): Promise<void> {
    const patched = await hub.request<{ profileId: string }>('PATCH', `/api/devices/${deviceId}`, { profileId });
    expect([patched.status, patched.body.profileId]).toEqual([200, profileId]);
  }

  const deadLetters = async (deviceId: string): Promise<DeadLetter[]> =>
    (await hub.get<{ items: DeadLetter[] }>(`/api/dead-letters?device=${deviceId}`)).body.items
      .map(({ deviceId: id, reason, detail, payload, payloadEncoding }) => ({ deviceId: id, reason, detail, payload, payloadEncoding }))
      .reverse();

  const stored = (prefix: string, count: number) =>
    waitFor(() => storedReadings(influxd, DATABASE, prefix, ['water']), (readings) => readings.size >= count, 10_000, `${count} readings of ${prefix}`);

  it('maps a vendor RTU\'s own JSON over MQTT: 0.1 kPa to kPa, its Beijing wall clock as event time; a converted value out of range is a dead letter with the raw payload', async () => {
    await createProfile(RTU_PROFILE);
    const client = await connect('prof-rtu-1');
    await assign('prof-rtu-1', 'acme-rtu');
    // Another department's system on the device's topic: it gets what held a valid reading, not what was refused.
    const subscriber = await connectAsync(hub.mqttUrl, { ...(await subscriberLogin(hub, 'rtu-watch')), reconnectPeriod: 0 });
    clients.push(subscriber);
    const forwarded: string[] = [];
    subscriber.on('message', (_topic, payload) => forwarded.push(payload.toString('utf8')));
    await subscriber.subscribeAsync('sensors/water/prof-rtu-1/telemetry', { qos: 1 });
    const at = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    await client.publishAsync('sensors/water/prof-rtu-1/telemetry', JSON.stringify({ P1: 4125, unit: '0.1kPa', T: beijing(at) }), { qos: 1 });
    await client.publishAsync('sensors/water/prof-rtu-1/telemetry', JSON.stringify({ P1: 0.5, unit: 'MPa', T: beijing(at + 1000) }), { qos: 1 });
    const tooHigh = JSON.stringify({ P1: 40000, unit: '0.1kPa', T: beijing(at + 2000) });
    await client.publishAsync('sensors/water/prof-rtu-1/telemetry', tooHigh, { qos: 1 });
    await client.publishAsync('sensors/water/prof-rtu-1/telemetry', JSON.stringify({ P1: 4125, unit: 'furlong', T: beijing(at + 3000) }), { qos: 1 });

    expect(Object.fromEntries(await stored('prof-rtu-', 2))).toEqual({ [`prof-rtu-1@${at}`]: { pressure_kpa: 412.5 }, [`prof-rtu-1@${at + 1000}`]: { pressure_kpa: 500 } });
    expect(await deadLetters('prof-rtu-1')).toEqual([
      { deviceId: 'prof-rtu-1', reason: 'VALUE_OUT_OF_RANGE', detail: 'pressure_kpa 4000 kPa is outside [0, 2500] (decoded by profile acme-rtu)', payload: tooHigh, payloadEncoding: 'utf8' },
      {
        deviceId: 'prof-rtu-1',
        reason: 'DECODER_OUTPUT_INVALID',
        detail: expect.stringMatching(/^profile acme-rtu: pressure_kpa: unknown unit "furlong"; known: Pa, hPa, 0\.1kPa, kPa, MPa/) as unknown as string,
        payload: JSON.stringify({ P1: 4125, unit: 'furlong', T: beijing(at + 3000) }),
        payloadEncoding: 'utf8',
      },
    ]);
    await waitFor(() => Promise.resolve(forwarded.length), (count) => count >= 2, 5_000, 'forwarded messages');
    await sleep(200);
    expect(forwarded.map((text) => (JSON.parse(text) as { P1: number }).P1)).toEqual([4125, 0.5]);
    const view = await hub.get<ProfileView>('/api/device-profiles/acme-rtu');
    expect([view.body.devices, view.body.decoderStats.decoded, view.body.decoderStats.refused]).toEqual([1, 3, 1]);
  });

  it('takes an NB-IoT logger\'s hex text over HTTP through its sandboxed codec, and refuses text that is not hex with the reason', async () => {
    await createProfile(HEX_LOGGER_PROFILE);
    const secret = await provisionDevice(hub, 'prof-nb-1', 'water');
    await assign('prof-nb-1', 'nb-logger');
    const post = (body: string) => postReadings(hub, { domain: 'water', deviceId: 'prof-nb-1', body, secret, headers: { 'content-type': 'text/plain' } });
    const before = Date.now();
    const taken = await post('101D');
    expect([taken.status, taken.body]).toEqual([200, { accepted: 1, duplicates: 0, refused: [] }]);
    const readings = await stored('prof-nb-', 1);
    const [key, metrics] = [...readings][0]!;
    expect(metrics).toEqual({ pressure_kpa: 412.5 });
    expect(Number(key.split('@')[1])).toBeGreaterThanOrEqual(before - 1);

    const refused = await post('10zd');
    // Nothing in it was valid: 422, with the reason (and the raw text kept as the dead letter).
    expect([refused.status, refused.body.refused]).toEqual([422, [{ reason: 'PAYLOAD_ENCODING_INVALID', message: 'profile nb-logger: hex payload: not hex: character "z" at 2', index: null }]]);
    expect((await deadLetters('prof-nb-1')).map(({ reason, payload }) => [reason, payload])).toEqual([['PAYLOAD_ENCODING_INVALID', '10zd']]);
  });

  it('costs a looping, allocating, snooping or throwing codec only its own message: each a dead letter with its reason, the raw frame kept as base64, other devices unaffected', async () => {
    const hostile = {
      'prof-loop': script('prof-loop', 'while (true) {}'),
      'prof-alloc': script('prof-alloc', 'var keep = []; for (;;) keep.push(new Array(100000).fill(1));'),
      'prof-snoop': script('prof-snoop', 'return { data: { n: process.env.HOME.length } };'),
      'prof-throw': script('prof-throw', "throw new Error('frame ' + input.bytes.length + ' bytes');"),
    };
    const frame = Buffer.from([0x01, 0xff, 0xfe, 0x00]);
    const devices = Object.keys(hostile).map((id) => `${id}-dev`);
    const senders: MqttClient[] = [];
    for (const [id, profile] of Object.entries(hostile)) {
      await createProfile(profile);
      senders.push(await connect(`${id}-dev`));
      await assign(`${id}-dev`, id);
    }
    const healthy = await connect('prof-plain-1');
    const now = Date.now() - 10_000;
    await Promise.all([
      ...senders.map((sender, index) => sender.publishAsync(`sensors/water/${devices[index]}/telemetry`, frame, { qos: 1 })),
      ...[0, 1, 2, 3, 4].map((n) => healthy.publishAsync('sensors/water/prof-plain-1/telemetry', JSON.stringify({ ts: now + n, metrics: { ph: 7 + n / 10 } }), { qos: 1 })),
    ]);

    const letters = await Promise.all(devices.map((device) => deadLetters(device)));
    const base64 = frame.toString('base64');
    expect(letters).toEqual([
      [{ deviceId: 'prof-loop-dev', reason: 'DECODER_TIMEOUT', detail: 'profile prof-loop: decodeUplink ran longer than 50 ms', payload: base64, payloadEncoding: 'base64' }],
      [{ deviceId: 'prof-alloc-dev', reason: 'DECODER_MEMORY_LIMIT', detail: 'profile prof-alloc: decodeUplink used more than the sandbox\'s 16777216 bytes of memory', payload: base64, payloadEncoding: 'base64' }],
      [{ deviceId: 'prof-snoop-dev', reason: 'DECODER_ERROR', detail: "profile prof-snoop: ReferenceError: 'process' is not defined", payload: base64, payloadEncoding: 'base64' }],
      [{ deviceId: 'prof-throw-dev', reason: 'DECODER_ERROR', detail: 'profile prof-throw: Error: frame 4 bytes', payload: base64, payloadEncoding: 'base64' }],
    ]);
    expect([...(await stored('prof-plain-', 5)).values()]).toEqual([0, 1, 2, 3, 4].map((n) => ({ ph: 7 + n / 10 })));
    const health = await hub.get<{ status: string }>('/api/health');
    expect([health.status, health.body.status]).toEqual([200, 'ok']);
    // The sandbox's memory is the profile's 16 MiB, not the process's: the hub stays far below what the loop asked for.
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${hub.pid}/status`, 'utf8'))?.[1]);
    expect(rssKb).toBeLessThan(600 * 1024);
  });

  it('tries a payload through a saved profile or an unsaved draft without storing anything, and says what a draft gets wrong', async () => {
    const saved = await hub.request('POST', '/api/device-profiles/acme-rtu/test', { payload: RTU_PROFILE.samples[0]!.payload });
    const ts = Date.parse('2026-12-05T02:00:00Z');
    expect(saved).toEqual({
      status: 200,
      body: { refused: null, warnings: [], decoded: [{ ts, metrics: { pressure_kpa: 412.5 } }], accepted: [{ ts, metrics: { pressure_kpa: 412.5 } }], rejections: [] },
    });
    const draft = await hub.request<{ accepted: Array<{ metrics: object }>; rejections: unknown[] }>('POST', '/api/device-profiles/try', {
      domain: 'water',
      decoder: { kind: 'script', source: 'function decodeUplink(input) { return { data: { flow_m3h: input.bytes[0], ph: 99 } }; }' },
      payload: '0c',
      encoding: 'hex',
    });
    expect(draft.status).toBe(200);
    expect(draft.body.accepted).toEqual([]);
    expect(draft.body.rejections).toEqual([{ reason: 'VALUE_OUT_OF_RANGE', detail: 'ph 99 pH is outside [0, 14]' }]);
    const broken = await hub.request<{ issues: Array<{ field: string; problem: string }> }>('POST', '/api/device-profiles/try', {
      domain: 'water',
      decoder: { kind: 'mapping', metrics: { pressure_kpa: { expr: 'P1 +' } } },
      payload: '{}',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.issues.map((issue) => issue.field)).toEqual(['decoder.metrics.pressure_kpa.expr']);
    expect((await storedReadings(influxd, DATABASE, 'profile-try', ['water'])).size).toBe(0);
  });

  it('takes The Things Stack\'s webhook uplinks by DevEUI with an operator key: decoded by the device\'s codec at the network server\'s time, a resend stored once, a device outside the key\'s towns refused', async () => {
    const fixtures = join(repoRoot(), 'libs/decoders/src/fixtures');
    await createProfile({
      id: 'wm-11',
      name: 'WM-11 LoRaWAN water meter',
      domain: 'water',
      decoder: { kind: 'script', source: readFileSync(join(fixtures, 'water-meter.codec.js'), 'utf8'), mapping: { metrics: { flow_m3h: { expr: 'flow_m3h' } } } },
    });
    for (const [deviceId, town, devEui] of [['prof-tts-1', 'Ashford', '0004A30B001C0530'], ['prof-tts-2', 'Brook', '0004a30b001c0531']] as const) {
      const created = await hub.request('POST', '/api/devices', { deviceId, domain: 'water', town, profileId: 'wm-11', devEui });
      expect(created.status).toBe(201);
    }
    const { key } = await createApiKey(hub, { name: 'tts-webhook', role: 'operator', towns: ['Ashford'] });
    const uplink = JSON.parse(readFileSync(join(fixtures, 'things-stack-v3-uplink.json'), 'utf8')) as { end_device_ids: Record<string, unknown>; uplink_message: Record<string, unknown> };
    const at = Date.now() - 30_000;
    const message = (devEui: string, fCnt: number) =>
      JSON.stringify({ ...uplink, end_device_ids: { ...uplink.end_device_ids, dev_eui: devEui }, uplink_message: { ...uplink.uplink_message, f_cnt: fCnt, received_at: new Date(at + fCnt).toISOString() } });
    const post = (body: string) => hub.request<{ accepted: number; duplicates: number; refused: unknown[] }>('POST', '/api/lorawan/things-stack/uplink', JSON.parse(body), bearer(key));

    expect(await post(message('0004A30B001C0530', 77))).toEqual({ status: 200, body: { accepted: 1, duplicates: 0, refused: [] } });
    expect(await post(message('0004A30B001C0530', 77))).toEqual({ status: 200, body: { accepted: 0, duplicates: 1, refused: [] } });
    expect(await post(message('0004a30b001c0531', 78))).toEqual({
      status: 200,
      body: { accepted: 0, duplicates: 0, refused: [{ reason: 'TOPIC_FORBIDDEN', message: 'device prof-tts-2 (DevEUI 0004a30b001c0531) is outside the towns and domains this sender may write for', index: null }] },
    });
    expect(await post(JSON.stringify({ end_device_ids: uplink.end_device_ids, join_accept: { session_key_id: 'x' } }))).toEqual({ status: 200, body: { accepted: 0, duplicates: 0, refused: [] } });
    expect(Object.fromEntries(await stored('prof-tts-', 1))).toEqual({ [`prof-tts-1@${at + 77}`]: { flow_m3h: 5 } });
    const viewer = await createApiKey(hub, { name: 'tts-viewer', role: 'viewer' });
    expect((await hub.request('POST', '/api/lorawan/things-stack/uplink', JSON.parse(message('0004A30B001C0530', 79)), bearer(viewer.key))).status).toBe(403);
  });

  it('keeps profiles consistent: unknown or wrong-domain profiles and a taken DevEUI refused, a profile in use kept, every change audited', async () => {
    await provisionDevice(hub, 'prof-gas-1', 'gas');
    const unknown = await hub.request<{ issues: unknown[] }>('PATCH', '/api/devices/prof-gas-1', { profileId: 'no-such' });
    expect(unknown).toEqual({ status: 400, body: expect.objectContaining({ issues: [{ field: 'profileId', problem: 'no device profile "no-such" (GET /api/device-profiles lists them)' }] }) as unknown });
    const wrongDomain = await hub.request<{ issues: unknown[] }>('PATCH', '/api/devices/prof-gas-1', { profileId: 'acme-rtu' });
    expect(wrongDomain.body.issues).toEqual([{ field: 'profileId', problem: 'profile acme-rtu decodes water readings; this device is gas' }]);
    expect((await hub.request('PATCH', '/api/devices/prof-rtu-1', { devEui: '70-B3-D5-7E-D0-05-A1-B2' })).status).toBe(200);
    const taken = await hub.request<{ issues: unknown[] }>('PATCH', '/api/devices/prof-gas-1', { devEui: '70b3d57ed005a1b2' });
    expect(taken.body.issues).toEqual([{ field: 'devEui', problem: '70b3d57ed005a1b2 is already device prof-rtu-1\'s' }]);

    const inUse = await hub.request<{ message: string }>('DELETE', '/api/device-profiles/acme-rtu');
    expect(inUse).toEqual({ status: 409, body: expect.objectContaining({ message: 'Cannot delete device profile acme-rtu: 1 devices use it (prof-rtu-1); give them another profile first (PATCH their profileId)' }) as unknown });
    const changed = await hub.request<ProfileView>('PATCH', '/api/device-profiles/acme-rtu', { name: 'ACME RTU-4G v2' });
    expect([changed.status, changed.body.version]).toEqual([200, 2]);
    const duplicate = await hub.request<{ message: string }>('POST', '/api/device-profiles', RTU_PROFILE);
    expect(duplicate.status).toBe(409);
    const typo = await hub.request<{ issues: unknown[] }>('POST', '/api/device-profiles', { ...RTU_PROFILE, id: 'acme-typo', decoder: { kind: 'mapping', metrics: { preassure_kpa: { expr: 'P1' } } } });
    expect([typo.status, typo.body.issues]).toEqual([
      400,
      [{ field: 'decoder.metrics.preassure_kpa', problem: 'is not a metric of water in the catalogue; it has pressure_kpa, flow_m3h, level_m, turbidity_ntu, chlorine_mgl, ph (add one: POST /api/catalogue/domains/water/metrics)' }],
    ]);
    const objectScript = await hub.request<{ issues: unknown[] }>('POST', '/api/device-profiles', { ...HEX_LOGGER_PROFILE, id: 'nb-object', networkServerObject: true });
    expect([objectScript.status, objectScript.body.issues]).toEqual([
      400,
      [{ field: 'networkServerObject', problem: 'needs a mapping decoder: the network server already ran the codec, so its decoded object is mapped, not decoded again' }],
    ]);
    const townAdmin = await createApiKey(hub, { name: 'ashford-admin', role: 'admin', towns: ['Ashford'] });
    const forbidden = await hub.request<{ message: string }>('PATCH', '/api/device-profiles/acme-rtu', { name: 'mine' }, bearer(townAdmin.key));
    expect([forbidden.status, forbidden.body.message]).toEqual([403, 'Only an admin of the whole county may change device profile acme-rtu: device profiles are shared by every town (key:ashford-admin has towns Ashford)']);
    const audit = await hub.get<{ items: Array<{ action: string; targetId: string; detail: Record<string, unknown> }> }>('/api/audit?targetType=device-profile');
    const actions = audit.body.items.map(({ action, targetId }) => `${action} ${targetId}`).reverse();
    expect(actions).toEqual([
      'device-profile.create acme-rtu',
      'device-profile.create nb-logger',
      'device-profile.create prof-loop',
      'device-profile.create prof-alloc',
      'device-profile.create prof-snoop',
      'device-profile.create prof-throw',
      'device-profile.create wm-11',
      'device-profile.change acme-rtu',
    ]);
    expect(audit.body.items[0]!.detail).toMatchObject({ changed: ['name'], version: 2, name: 'ACME RTU-4G v2', decoder: 'mapping' });
  });
});
