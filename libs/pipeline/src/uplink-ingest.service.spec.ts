import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SILENT_LOGGER } from '@hub/common';
import { BUILT_IN_CATALOGUE, MetricCatalogue, type MetricSpec, type ValidationLimits } from '@hub/contract';
import { adaptChirpStackEvent, parseChirpStackTopic } from '@hub/decoders';
import { DevicePresence, DeviceStateRepository } from '@hub/devices';
import { ADMIN, RegistryFixture } from '@hub/devices/testing';
import type { DeviceProfile } from '@hub/profiles';
import { ProfileBook } from '@hub/profiles';
import { openSqliteDatabase, Store } from '@hub/store';
import type { NewDeadLetter } from './dead-letter.repository';
import { IngestStats } from './ingest-stats';
import { IngestService, type ReadingWriter } from './ingest.service';
import { SeqDeduper } from './seq-deduper';
import type { MessageOrigin } from './spool-port';
import { LoRaWanDownlinks } from './lorawan-downlinks';
import { UplinkIngestService } from './uplink-ingest.service';

const FIXTURES = path.join(__dirname, '../../decoders/src/fixtures');
const CODEC = readFileSync(path.join(FIXTURES, 'water-meter.codec.js'), 'utf8');
const UP_EVENT = JSON.parse(readFileSync(path.join(FIXTURES, 'chirpstack-v4-up.json'), 'utf8')) as Record<string, unknown>;
const DEV_EUI = '70b3d5e75e00a017';
const TOPIC = `application/17c82e96-be03-4f38-aef3-f83d48582d97/device/${DEV_EUI}/event/up`;
const limits: ValidationLimits = { maxPayloadBytes: 4096, maxBatchReadings: 10, maxAgeMs: 10 * 365 * 86_400_000, maxFutureMs: 60_000 };

/** The water domain as an admin extends it for LoRaWAN meters: volume, battery and the link's quality. */
const spec = (unit: string, range: [number, number]): MetricSpec => ({ unit, description: unit, range, typical: range });
const CATALOGUE = new MetricCatalogue(
  new Map([
    [
      'water',
      {
        description: 'water',
        builtIn: true,
        metrics: new Map(
          Object.entries({
            ...BUILT_IN_CATALOGUE.water,
            volume_m3: spec('m³', [0, 1e7]),
            battery_v: spec('V', [0, 5]),
            rssi_dbm: spec('dBm', [-150, 0]),
            snr_db: spec('dB', [-30, 30]),
            gateways_heard: { ...spec('gateways', [0, 100]), integer: true },
            battery_pct: spec('%', [0, 100]),
          }),
        ),
      },
    ],
  ]),
);

const PROFILE: DeviceProfile = {
  id: 'wm-11',
  name: 'WM-11',
  description: '',
  domain: 'water',
  decoder: {
    kind: 'script',
    source: CODEC,
    mapping: { metrics: { volume_m3: { expr: 'volume_l', unit: { from: 'L', to: 'm³' } }, flow_m3h: { expr: 'flow_m3h' }, battery_v: { expr: 'battery_v' } } },
  },
  networkServerObject: false,
  samples: [],
  version: 1,
  createdAt: 0,
  createdBy: 'ada',
  updatedAt: 0,
  updatedBy: 'ada',
};

class CollectingWriter implements ReadingWriter {
  readonly lines: string[] = [];
  offer(_origin: MessageOrigin, lines: readonly string[], accepted: () => void): void {
    this.lines.push(...lines);
    accepted();
  }
}

describe('UplinkIngestService (ChirpStack events into readings)', () => {
  let fixture: RegistryFixture;
  let book: ProfileBook;
  let writer: CollectingWriter;
  let deadLetters: NewDeadLetter[];
  let ingest: IngestService;
  let uplinks: UplinkIngestService;

  beforeEach(async () => {
    fixture = await RegistryFixture.create();
    book = new ProfileBook();
    book.put(PROFILE, await book.build(PROFILE));
    fixture.registry.useProfiles(book);
    await fixture.storeProfile(PROFILE.id, PROFILE.domain);
    writer = new CollectingWriter();
    deadLetters = [];
    const presence = new DevicePresence(new DeviceStateRepository(Store.sqlite(openSqliteDatabase(':memory:'))), SILENT_LOGGER);
    const decoding = {
      decoderOf: (deviceId: string) => {
        const profileId = fixture.registry.find(deviceId)?.profileId ?? null;
        return profileId === null ? null : (book.decoderFor(profileId) ?? { missing: profileId });
      },
    };
    ingest = new IngestService(limits, CATALOGUE, writer, async (letters) => void deadLetters.push(...letters), presence, new IngestStats(), SILENT_LOGGER, new SeqDeduper(3_600_000), () => [], decoding);
    uplinks = new UplinkIngestService(ingest, fixture.registry, SILENT_LOGGER);
  });

  afterEach(() => book.remove(PROFILE.id));

  const event = (changes: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ ...UP_EVENT, ...changes }));
  const take = (payload: Buffer, topic = TOPIC) =>
    new Promise<Error | undefined>((resolve) => {
      const parsed = parseChirpStackTopic(topic);
      void uplinks.take('county-ns', topic, payload, adaptChirpStackEvent(payload, { eventType: parsed?.eventType, topicDevEui: parsed?.devEui, arrivedAt: new Date() }), (error) =>
        resolve(error ?? undefined),
      );
    });
  const meter = async (extra: Record<string, unknown> = {}) =>
    await fixture.registry.provision({ ...ADMIN }, { deviceId: 'wm-017', domain: 'water', town: 'Ashford', profileId: 'wm-11', devEui: '70-B3-D5-E7-5E-00-A0-17', ...extra });

  it('decodes an uplink with its device\'s codec: event time from the network server, fCnt as seq, the best link quality in the same point', async () => {
    await meter();
    expect(await take(event())).toBeUndefined();
    expect(writer.lines).toEqual([`water,device_id=wm-017 rssi_dbm=-97,snr_db=2.25,gateways_heard=2,volume_m3=123.456,flow_m3h=5,battery_v=3.6 ${Date.parse('2026-12-05T08:15:42.301Z')}`]);
    expect(deadLetters).toEqual([]);
    expect(uplinks.countsOf('county-ns')).toEqual({ uplinks: 1, otherEvents: 0, refused: 0 });
  });

  it('stores a redelivered uplink (same fCnt and time) once', async () => {
    await meter();
    await take(event());
    await take(event());
    expect(writer.lines).toHaveLength(1);
  });

  it('dead-letters what it cannot take, each with its reason: unknown DevEUI, a quarantined or disabled device, bytes the codec refuses, a malformed event', async () => {
    expect(await take(event())).toBeUndefined();
    await meter({ enabled: false });
    await take(event());
    await fixture.registry.update(ADMIN, 'wm-017', { enabled: true });
    await take(event({ data: Buffer.from([0x01, 0x02]).toString('base64') }));
    await take(event({ fCnt: -1 }));
    await take(Buffer.from('not json'));
    expect(deadLetters.map(({ reason, detail, deviceId, topic }) => ({ reason, detail, deviceId, topic }))).toEqual([
      { reason: 'DEV_EUI_UNKNOWN', detail: `no registered device has DevEUI ${DEV_EUI} (fCnt 1842); set a device's devEui to take its uplinks`, deviceId: undefined, topic: TOPIC },
      { reason: 'DEVICE_NOT_ACTIVE', detail: `device wm-017 (DevEUI ${DEV_EUI}) is disabled`, deviceId: 'wm-017', topic: TOPIC },
      { reason: 'DECODER_ERROR', detail: 'profile wm-11: the codec reported errors: expected an 11-byte type-1 frame, got 2 bytes', deviceId: 'wm-017', topic: TOPIC },
      { reason: 'EVENT_MALFORMED', detail: 'fCnt -1 is not a whole number from 0 to 4294967295', deviceId: undefined, topic: TOPIC },
      { reason: 'EVENT_NOT_JSON', detail: expect.stringContaining('JSON') as unknown as string, deviceId: undefined, topic: TOPIC },
    ]);
    // The frame the codec refused is kept whole (the event's JSON) to be decoded again once the profile is fixed.
    expect(JSON.parse(Buffer.from(deadLetters[2]!.payload as Uint8Array).toString('utf8'))).toMatchObject({ fCnt: 1842, data: 'AQI=' });
    expect(writer.lines).toEqual([]);
    expect(uplinks.countsOf('county-ns')).toEqual({ uplinks: 1, otherEvents: 0, refused: 4 });
  });

  it('acknowledges join events, stores a status event\'s battery level when the catalogue has it, and dead-letters a network server ERROR log for the device', async () => {
    await meter();
    const join = Buffer.from(JSON.stringify({ deviceInfo: UP_EVENT.deviceInfo, devAddr: '01a2b3c4' }));
    const log = Buffer.from(JSON.stringify({ deviceInfo: UP_EVENT.deviceInfo, level: 'ERROR', code: 'UPLINK_F_CNT_RESET', description: 'frame-counter reset or rollover' }));
    const info = Buffer.from(JSON.stringify({ deviceInfo: UP_EVENT.deviceInfo, level: 'INFO', code: 'UPLINK_CODEC', description: 'fine' }));
    expect(await take(join, TOPIC.replace(/up$/, 'join'))).toBeUndefined();
    expect(await take(log, TOPIC.replace(/up$/, 'log'))).toBeUndefined();
    expect(await take(info, TOPIC.replace(/up$/, 'log'))).toBeUndefined();
    // A status event: the battery as a reading (the catalogue has battery_pct; link_margin_db it has not, so it is left out).
    const status = Buffer.from(JSON.stringify({ deviceInfo: UP_EVENT.deviceInfo, time: '2026-12-05T09:00:00.123456789+00:00', margin: 7, batteryLevel: 88.5 }));
    expect(await take(status, TOPIC.replace(/up$/, 'status'))).toBeUndefined();
    const external = Buffer.from(JSON.stringify({ deviceInfo: UP_EVENT.deviceInfo, time: '2026-12-05T09:10:00Z', externalPowerSource: true }));
    expect(await take(external, TOPIC.replace(/up$/, 'status'))).toBeUndefined();
    expect(deadLetters.map(({ reason, detail, deviceId }) => ({ reason, detail, deviceId }))).toEqual([
      { reason: 'NETWORK_SERVER_ERROR', detail: `network server error UPLINK_F_CNT_RESET for DevEUI ${DEV_EUI}: frame-counter reset or rollover`, deviceId: 'wm-017' },
    ]);
    expect(writer.lines).toEqual([`water,device_id=wm-017 battery_pct=88.5 ${Date.parse('2026-12-05T09:00:00.123Z')}`]);
    expect(uplinks.countsOf('county-ns')).toEqual({ uplinks: 0, otherEvents: 5, refused: 0 });
  });

  it('decodes the network server\'s own decoded object when the profile says so, and refuses an uplink without one', async () => {
    const objectProfile: DeviceProfile = { ...PROFILE, id: 'wm-11-object', decoder: { kind: 'mapping', metrics: { flow_m3h: { expr: 'flow' } } }, networkServerObject: true };
    book.put(objectProfile, await book.build(objectProfile));
    await fixture.storeProfile(objectProfile.id, objectProfile.domain);
    await meter({ profileId: 'wm-11-object' });
    await take(event({ object: { flow: 7.25 }, rxInfo: [] }));
    await take(event({ fCnt: 1843 }));
    expect(writer.lines).toEqual([`water,device_id=wm-017 flow_m3h=7.25 ${Date.parse('2026-12-05T08:15:42.301Z')}`]);
    expect(deadLetters.map(({ reason, detail }) => [reason, detail])).toEqual([
      ['DECODER_ERROR', "profile wm-11-object decodes the network server's decoded object, and this message has none (is the codec set in the network server's device profile?)"],
    ]);
    book.remove(objectProfile.id);
  });

  it('holds an unknown DevEUI in quarantine (quarantine mode) until an operator approves it with a domain and profile, then takes its uplinks', async () => {
    const quarantining = new UplinkIngestService(ingest, fixture.registry, SILENT_LOGGER, 'quarantine');
    const takeHeld = (payload: Buffer) =>
      new Promise<void>((resolve) => {
        void quarantining.take('county-ns', TOPIC, payload, adaptChirpStackEvent(payload, { eventType: 'up', topicDevEui: DEV_EUI, arrivedAt: new Date() }), () => resolve());
      });
    await takeHeld(event());
    await takeHeld(event({ fCnt: 1843 }));
    expect(fixture.registry.findByDevEui(DEV_EUI)).toMatchObject({ deviceId: `lora-${DEV_EUI}`, status: 'quarantined', domain: null, connectAttempts: 2, firstSeenAddress: 'network server county-ns' });
    expect(deadLetters.map(({ reason, deviceId }) => [reason, deviceId])).toEqual([
      ['DEVICE_QUARANTINED', `lora-${DEV_EUI}`],
      ['DEVICE_QUARANTINED', `lora-${DEV_EUI}`],
    ]);
    expect(deadLetters[0]!.detail).toBe(`DevEUI ${DEV_EUI} waits in quarantine as device lora-${DEV_EUI} (fCnt 1842): approve it with a domain and a profile to take its uplinks`);
    await fixture.registry.approve(ADMIN, `lora-${DEV_EUI}`, { domain: 'water', profileId: 'wm-11' }, false);
    await takeHeld(event({ fCnt: 1844 }));
    expect(writer.lines).toHaveLength(1);
    expect(fixture.registry.find(`lora-${DEV_EUI}`)).toMatchObject({ status: 'active', devEui: DEV_EUI, profileId: 'wm-11' });
  });

  it('queues a command as a confirmed downlink on the application that last heard the device, and hands ChirpStack\'s ack back by command id', async () => {
    const published: Array<{ connection: string; topic: string; payload: unknown }> = [];
    const downlinks = new LoRaWanDownlinks(fixture.registry, book, uplinks, {
      publish: (connection, topic, payload) => {
        published.push({ connection, topic, payload: JSON.parse(payload) });
        return Promise.resolve();
      },
    });
    const heard: string[] = [];
    const acks: Array<[string, string, boolean]> = [];
    uplinks.useListener({ heard: (device) => heard.push(device.deviceId), downlinkAcknowledged: async (...ack) => void acks.push(ack) });
    await meter();
    expect(downlinks.carries('wm-017')).toBe(false);
    await take(event());
    expect([downlinks.carries('wm-017'), heard]).toEqual([true, ['wm-017']]);
    const command = { id: '6f1c1a4e-0000-4000-8000-000000000001', name: 'valve', args: { state: 'closed' }, expiresAt: Date.now() + 60_000 };
    expect(await downlinks.enqueue('wm-017', command)).toEqual({ ok: true });
    expect(published).toEqual([
      {
        connection: 'county-ns',
        topic: `application/17c82e96-be03-4f38-aef3-f83d48582d97/device/${DEV_EUI}/command/down`,
        payload: { id: command.id, devEui: DEV_EUI, confirmed: true, fPort: 3, data: Buffer.from([0x20, 0x01]).toString('base64') },
      },
    ]);
    expect(await downlinks.enqueue('wm-017', { ...command, name: 'reboot' })).toEqual({ ok: false, error: 'profile wm-11 could not encode it (DECODER_ERROR): the codec reported errors: unknown command reboot' });
    const ack = Buffer.from(JSON.stringify({ deviceInfo: UP_EVENT.deviceInfo, queueItemId: command.id, acknowledged: true, fCntDown: 12 }));
    expect(await take(ack, TOPIC.replace(/up$/, 'ack'))).toBeUndefined();
    expect(acks).toEqual([['wm-017', command.id, true]]);

    // Recorded before it is acknowledged: a failure to record leaves the event unacknowledged, so it comes again.
    uplinks.useListener({ heard: () => undefined, downlinkAcknowledged: () => Promise.reject(new Error('the database is down')) });
    expect(await take(ack, TOPIC.replace(/up$/, 'ack'))).toEqual(new Error('the database is down'));
  });
});
