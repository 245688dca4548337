import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adaptChirpStackEvent, parseChirpStackTopic } from '@hub/decoders';
import { buildChirpStackUpEvent, chirpStackTime, chirpStackUpTopic, ChirpStackUpInput } from './chirpstack-up-event';
import { defaultApplicationId, loRaWanDevEui, planLoRaWanFleet, seededUuid } from './lorawan-fleet';

const FIXTURE = JSON.parse(readFileSync(path.join(__dirname, '../../libs/decoders/src/fixtures/chirpstack-v4-up.json'), 'utf8')) as Record<string, unknown>;
const FRAME = Buffer.from('010001E24001F40E10050C', 'hex');
const arrivedAt = new Date('2026-12-06T12:00:00Z');

const input = (overrides: Partial<ChirpStackUpInput> = {}): ChirpStackUpInput => ({
  deduplicationId: '5e2cb5b1-3c3f-4a4b-9c52-6f1f2e0c9a11',
  time: Date.UTC(2026, 11, 5, 8, 15, 42, 301),
  deviceInfo: {
    tenantId: '52f14cd4-c6f1-4fbd-8f87-4025e1d49242',
    tenantName: 'County Water',
    applicationId: '17c82e96-be03-4f38-aef3-f83d48582d97',
    applicationName: 'district-meters',
    deviceProfileId: '14855bf7-d10d-4aee-b618-ebfcb64dc7ad',
    deviceProfileName: 'WM-11 water meter',
    deviceName: 'dma-04-meter-017',
    devEui: '70b3d5e75e00a017',
  },
  devAddr: '01a2b3c4',
  fCnt: 1842,
  fPort: 2,
  bytes: FRAME,
  dr: 3,
  frequency: 868_500_000,
  receptions: [
    { gatewayId: '0016c001f153a14c', uplinkId: 4217106255, rssi: -112, snr: -4.5, channel: 2, context: Buffer.from('E3OWOQ==', 'base64') },
    { gatewayId: '0016c001f153b2e0', uplinkId: 190238571, rssi: -97, snr: 2.25, channel: 2, context: Buffer.from('mQ2kbA==', 'base64') },
  ],
  ...overrides,
});

/** The JSON shape of a value: keys and the types of leaves, arrays by their first element. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [shape(value[0])];
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, shape((value as Record<string, unknown>)[key])]));
  return typeof value;
}

describe('ChirpStack v4 up event', () => {
  it('has the fixture\'s shape, field for field, and the same values where the fixture\'s are reproducible', () => {
    const event = buildChirpStackUpEvent(input());
    const { tags: _tags, ...fixtureDeviceInfo } = FIXTURE.deviceInfo as Record<string, unknown>;
    // The fixture's second gateway has no time; ours always do, and deviceInfo has no tags.
    expect(shape({ ...event, rxInfo: [(event.rxInfo as unknown[])[0]] })).toEqual(shape({ ...FIXTURE, deviceInfo: fixtureDeviceInfo }));
    expect(event).toMatchObject({
      deduplicationId: FIXTURE.deduplicationId,
      deviceInfo: fixtureDeviceInfo,
      devAddr: FIXTURE.devAddr,
      adr: true,
      dr: 3,
      fCnt: 1842,
      fPort: 2,
      confirmed: true,
      data: FIXTURE.data,
      txInfo: FIXTURE.txInfo,
    });
    expect((event.rxInfo as Record<string, unknown>[]).map(({ time: _time, ...rest }) => rest)).toEqual(
      (FIXTURE.rxInfo as Record<string, unknown>[]).map(({ time: _time, ...rest }) => rest),
    );
    expect(event.time).toBe('2026-12-05T08:15:42.301000000+00:00');
  });

  it('gives back through adaptChirpStackEvent the exact bytes, fCnt, fPort, time and the best link', () => {
    const event = buildChirpStackUpEvent(input());
    const topic = parseChirpStackTopic(chirpStackUpTopic('17c82e96-be03-4f38-aef3-f83d48582d97', '70b3d5e75e00a017'));
    expect(topic).toEqual({ applicationId: '17c82e96-be03-4f38-aef3-f83d48582d97', devEui: '70b3d5e75e00a017', eventType: 'up' });
    expect(adaptChirpStackEvent(Buffer.from(JSON.stringify(event)), { eventType: topic?.eventType, topicDevEui: topic?.devEui, arrivedAt })).toEqual({
      kind: 'uplink',
      uplink: {
        devEui: '70b3d5e75e00a017',
        fPort: 2,
        fCnt: 1842,
        bytes: new Uint8Array(FRAME),
        receivedAt: new Date(Date.UTC(2026, 11, 5, 8, 15, 42, 301)),
        timeFromNetworkServer: true,
        link: { rssi: -97, snr: 2.25, gateways: 2 },
      },
    });
  });

  it('leaves out fCnt 0 as the protobuf JSON mapping does, which the adapter reads as 0; keeps an SNR of 0', () => {
    const event = buildChirpStackUpEvent(input({ fCnt: 0, receptions: [{ ...input().receptions[0], snr: 0 }] }));
    expect('fCnt' in event).toBe(false);
    const adapted = adaptChirpStackEvent(Buffer.from(JSON.stringify(event)), { arrivedAt });
    expect(adapted).toMatchObject({ kind: 'uplink', uplink: { fCnt: 0, link: { rssi: -112, snr: 0, gateways: 1 } } });
  });

  it('writes the time with nanoseconds and a numeric zone, as ChirpStack does', () => {
    expect(chirpStackTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03:04:05.006000000+00:00');
  });
});

describe('LoRaWAN fleet identities', () => {
  it('derives DevEUIs, ids and gateways from the seed: 16 lower-case hex, distinct, the same on a rerun', () => {
    const targets = Array.from({ length: 50 }, (_, offset) => ({ deviceId: `sim-water-${offset + 1}`, domain: 'water', index: offset + 1 }));
    const fleet = planLoRaWanFleet(7, 'app', targets);
    const devEuis = fleet.devices.map((device) => device.devEui);
    expect(devEuis.every((devEui) => /^[0-9a-f]{16}$/.test(devEui))).toBe(true);
    expect(new Set(devEuis).size).toBe(50);
    expect(devEuis[3]).toBe(loRaWanDevEui(7, 3));
    expect(planLoRaWanFleet(7, 'app', targets)).toEqual(fleet);
    expect(planLoRaWanFleet(8, 'app', targets).devices[0]?.devEui).not.toBe(devEuis[0]);
    expect(fleet.gatewayIds).toHaveLength(3);
    expect(fleet.devices.every((device) => /^[0-9a-f]{8}$/.test(device.devAddr))).toBe(true);
    expect(defaultApplicationId(7)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seededUuid(7, 'x')).not.toBe(seededUuid(7, 'y'));
  });
});
