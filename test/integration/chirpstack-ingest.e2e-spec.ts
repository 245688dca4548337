import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkServerSimulator, type SentUplink, type SimulatorReport } from '@hub/devices-sim';
import { connectAsync } from 'mqtt';
import { settled } from '../harness/hub-stats';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { MosquittoProcess } from '../harness/mosquitto-process';
import { repoRoot } from '../harness/repo-root';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';

const DATABASE = 'chirpstack';
const APPLICATION = '5b0f9a52-3c1e-4d7a-9b6e-2f8c1d4e7a90';
const CODEC = readFileSync(join(repoRoot(), 'libs/decoders/src/fixtures/water-meter.codec.js'), 'utf8');
const LINK_METRICS = [
  { name: 'rssi_dbm', unit: 'dBm', description: 'Best received signal strength of the uplink over the gateways that heard it', range: [-160, 20], typical: [-120, -60] },
  { name: 'snr_db', unit: 'dB', description: 'Best signal-to-noise ratio of the uplink', range: [-30, 30], typical: [-10, 10] },
  { name: 'gateways_heard', unit: 'gateways', description: 'Gateways that heard the uplink', range: [0, 100], typical: [1, 3], integer: true },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `${deviceId}@${time}` → what the hub must store of each uplink the network server published (duplicates once). */
function expected(report: SimulatorReport): Map<string, Record<string, number>> {
  const uplinks: readonly SentUplink[] = report.networkServer?.sent ?? [];
  return new Map(
    uplinks
      .filter((uplink) => uplink.acked && uplink.metrics !== undefined)
      .map((uplink) => [`${uplink.deviceId}@${uplink.time}`, { flow_m3h: uplink.metrics!.flow_m3h, rssi_dbm: uplink.link.rssi, snr_db: uplink.link.snr, gateways_heard: uplink.link.gateways }]),
  );
}

/**
 * The ChirpStack path end to end, against real processes: a simulated network server publishes ChirpStack v4 up
 * events with encoded WM-11 frames to a real mosquitto; the hub, a client of that broker, decodes each with the
 * vendor's codec in its sandbox and stores it in a real influxd. Every uplink is stored with its exact values and
 * event time, duplicates once; and a hub killed with SIGKILL mid-stream loses nothing mosquitto delivered, because
 * it acknowledged only what was durable and mosquitto kept the rest in the hub's session.
 */
describe('LoRaWAN through ChirpStack (real mosquitto, real service, real influxd)', () => {
  let influxd: InfluxdProcess;
  let mosquitto: MosquittoProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    mosquitto = await MosquittoProcess.start({ maxQueuedMessages: 20_000 });
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_ALERT_DEFAULT_RULES: 'off', HUB_WRITE_FLUSH_INTERVAL: '50ms', HUB_SEQ_DEDUPE_WINDOW: '1h' });
    for (const metric of LINK_METRICS) expect((await hub.request('POST', '/api/catalogue/domains/water/metrics', metric)).status).toBe(201);
    const profile = await hub.request('POST', '/api/device-profiles', {
      id: 'wm-11',
      name: 'WM-11 LoRaWAN water meter',
      domain: 'water',
      decoder: { kind: 'script', source: CODEC, mapping: { metrics: { flow_m3h: { expr: 'flow_m3h' } } } },
    });
    expect(profile.status).toBe(201);
  });

  afterAll(async () => {
    await hub?.cleanup();
    await mosquitto?.cleanup();
    await influxd?.cleanup();
  });

  function networkServer(idPrefix: string, devices: number, count: number, intervalMs: number, faults: NonNullable<ConstructorParameters<typeof NetworkServerSimulator>[0]['uplinkFaults']> = []) {
    return new NetworkServerSimulator({
      url: mosquitto.url,
      networkServer: 'chirpstack',
      applicationId: APPLICATION,
      idPrefix,
      devicesPerDomain: devices,
      count,
      intervalMs,
      startTs: Date.now() - count * intervalMs - 60_000,
      uplinkFaults: faults,
      qos: 1,
      clean: false,
      // Each run its own DevEUIs: the seed picks their block.
      seed: 10 + idPrefix.charCodeAt(3),
      drainTimeoutMs: 30_000,
      recordReadings: true,
    });
  }

  /** The simulated meters in the registry, with the profile and their DevEUIs, and the hub subscribed to the application. */
  async function register(simulator: NetworkServerSimulator, connection: string | null): Promise<void> {
    const meters = simulator.report().networkServer?.devices ?? [];
    const imported = await hub.request<{ created: unknown[]; refused: unknown[] }>(
      'POST',
      '/api/devices/import',
      meters.map(({ deviceId, devEui }) => ({ deviceId, domain: 'water', town: 'Ashford', profileId: 'wm-11', devEui })),
    );
    expect([imported.status, imported.body.created.length, imported.body.refused]).toEqual([200, meters.length, []]);
    if (connection === null) return;
    const created = await hub.request('POST', '/api/network-servers', { name: connection, kind: 'chirpstack-v4', url: mosquitto.url, applicationIds: [APPLICATION] });
    expect(created.status).toBe(201);
    await waitFor(() => hub.get<{ status: { connected: boolean } }>(`/api/network-servers/${connection}`), (view) => view.body.status?.connected === true, 10_000, 'the bridge connected');
  }

  it('stores 2,000 uplinks of 50 meters with their exact decoded values, event times and link quality; duplicate fCnts once', async () => {
    const simulator = networkServer('cs-a-', 50, 40, 25, [{ mode: 'duplicate-fcnt', devices: 10 }]);
    await register(simulator, 'county-ns');
    const report = await (await simulator.start(), simulator.done);
    const ns = report.networkServer!;
    expect([ns.uplinks.decodable, ns.eventsAcked, ns.expectedStored]).toEqual([2000, ns.events, 2000]);
    expect(ns.duplicates).toBeGreaterThan(0);
    const want = expected(report);
    const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'cs-a-', ['water']), (readings) => readings.size >= want.size, 60_000, `${want.size} readings`);
    expect(stored).toEqual(want);
    const after = await settled(hub);
    expect(after.duplicates).toBe(ns.duplicates);
    expect(after.balanced).toBe(true);
    const letters = (await hub.get<{ items: Array<{ deviceId: string | null; topic: string }> }>('/api/dead-letters?limit=1000')).body.items;
    expect(letters.filter((letter) => letter.deviceId?.startsWith('cs-a-') === true || letter.topic.startsWith('application/'))).toEqual([]);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics.split('\n').filter((line) => line.startsWith('hub_lorawan_events_total{connection="county-ns"'))).toEqual([
      `hub_lorawan_events_total{connection="county-ns",outcome="uplink"} ${ns.events}`,
      'hub_lorawan_events_total{connection="county-ns",outcome="other"} 0',
      'hub_lorawan_events_total{connection="county-ns",outcome="refused"} 0',
    ]);
  });

  it('sends a command to a meter as a confirmed downlink through ChirpStack, encoded by its codec, and ends it on the network server\'s ack', async () => {
    // The network server's side of the downlink: what the hub queues on command/down, and its ack event back.
    const chirpstack = await connectAsync(mosquitto.url, { clientId: 'chirpstack-downlinks', reconnectPeriod: 0 });
    const downlinks: Array<{ topic: string; payload: { id: string; devEui: string; confirmed: boolean; fPort: number; data: string } }> = [];
    chirpstack.on('message', (topic, payload) => downlinks.push({ topic, payload: JSON.parse(payload.toString('utf8')) as (typeof downlinks)[number]['payload'] }));
    await chirpstack.subscribeAsync('application/+/device/+/command/down', { qos: 1 });
    try {
      const meter = (await hub.get<{ devEui: string }>('/api/devices/cs-a-water-7')).body;
      const sent = await hub.request<{ id: string; status: string }>('POST', '/api/devices/cs-a-water-7/commands', { name: 'valve', args: { state: 'closed' } });
      expect(sent.status).toBe(201);
      await waitFor(() => Promise.resolve(downlinks.length), (count) => count >= 1, 10_000, 'the downlink on command/down');
      expect(downlinks).toEqual([
        {
          topic: `application/${APPLICATION}/device/${meter.devEui}/command/down`,
          payload: { id: sent.body.id, devEui: meter.devEui, confirmed: true, fPort: 3, data: Buffer.from([0x20, 0x01]).toString('base64') },
        },
      ]);
      const ack = { deviceInfo: { applicationId: APPLICATION, devEui: meter.devEui }, queueItemId: sent.body.id, acknowledged: true, fCntDown: 4 };
      await chirpstack.publishAsync(`application/${APPLICATION}/device/${meter.devEui}/event/ack`, JSON.stringify(ack), { qos: 1 });
      const done = await waitFor(
        () => hub.get<{ status: string; result: unknown }>(`/api/devices/cs-a-water-7/commands/${sent.body.id}`),
        (view) => view.body.status === 'succeeded',
        10_000,
        'the command acknowledged',
      );
      expect(done.body.result).toEqual({ acknowledged: true });
      const refused = await hub.request<{ id: string }>('POST', '/api/devices/cs-a-water-7/commands', { name: 'reboot' });
      const failed = await waitFor(() => hub.get<{ status: string; error: string }>(`/api/devices/cs-a-water-7/commands/${refused.body.id}`), (view) => view.body.status === 'failed', 10_000, 'the command failed');
      expect(failed.body.error).toBe('profile wm-11 could not encode it (DECODER_ERROR): the codec reported errors: unknown command reboot');
    } finally {
      await chirpstack.endAsync();
    }
  });

  it('dead-letters what the codec refuses with its reason and the raw event, and stores the rest', async () => {
    const simulator = networkServer('cs-b-', 4, 10, 25, [{ mode: 'undecodable', devices: 1 }, { mode: 'codec-error', devices: 2, fromReading: 3, toReading: 4 }]);
    await register(simulator, null);
    const report = await (await simulator.start(), simulator.done);
    const ns = report.networkServer!;
    const want = expected(report);
    expect(want.size).toBe(ns.expectedStored);
    const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'cs-b-', ['water']), (readings) => readings.size >= want.size, 30_000, `${want.size} readings`);
    expect(stored).toEqual(want);
    const letters = (await hub.get<{ items: Array<{ reason: string; detail: string; payload: string; deviceId: string }> }>('/api/dead-letters?reason=DECODER_ERROR&limit=500')).body.items.filter((letter) =>
      letter.deviceId.startsWith('cs-b-'),
    );
    expect(letters).toHaveLength(ns.expectedRefusals.DECODER_ERROR!);
    for (const letter of letters) {
      expect(letter.detail).toMatch(/^profile wm-11: the codec reported errors: (expected an 11-byte type-1 frame, got \d+ bytes|unknown fPort 99)$/);
      expect(JSON.parse(letter.payload)).toMatchObject({ deviceInfo: { applicationId: APPLICATION }, fCnt: expect.any(Number) as unknown });
    }
  });

  it('loses nothing when the hub is killed (SIGKILL) mid-stream: mosquitto keeps the session, the hub acknowledged only what was durable', async () => {
    const simulator = networkServer('cs-c-', 20, 60, 50);
    await register(simulator, null);
    await simulator.start();
    // Mid-stream: some uplinks stored, most not yet published.
    await waitFor(() => storedReadings(influxd, DATABASE, 'cs-c-', ['water']), (readings) => readings.size >= 100, 30_000, 'the first 100 readings');
    const publishedAtKill = simulator.report().networkServer!.events;
    await hub.kill();
    expect(publishedAtKill).toBeLessThan(1000);
    await sleep(500);
    await hub.launch();
    const report = await simulator.done;
    const ns = report.networkServer!;
    expect([ns.events, ns.eventsAcked]).toEqual([1200, 1200]);
    const want = expected(report);
    const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'cs-c-', ['water']), (readings) => readings.size >= want.size, 60_000, `${want.size} readings after the restart`);
    expect(stored).toEqual(want);
    const status = await hub.get<{ status: { connected: boolean; sessionPresent: boolean } }>('/api/network-servers/county-ns');
    expect([status.body.status.connected, status.body.status.sessionPresent]).toEqual([true, true]);
  });
});
