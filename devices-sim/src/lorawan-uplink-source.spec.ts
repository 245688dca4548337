import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adaptChirpStackEvent, createDecoder, isRefusal, PayloadDecoder } from '@hub/decoders';
import { planLoRaWanFleet } from './lorawan-fleet';
import { LoRaWanUplinkSource, UplinkPublish } from './lorawan-uplink-source';
import { UplinkFaultSpec } from './uplink-fault-plan';
import { waterMeterDecoder } from './vendor-device-profiles';

const CODEC = readFileSync(path.join(__dirname, '../../libs/decoders/src/fixtures/water-meter.codec.js'), 'utf8');
const START = Date.UTC(2026, 11, 6, 6, 0);
const arrivedAt = new Date('2026-12-06T12:00:00Z');
const targets = [1, 2].map((index) => ({ deviceId: `sim-water-${index}`, domain: 'water', index }));
const fleet = planLoRaWanFleet(5, 'county-water', targets);

function source(faults: UplinkFaultSpec[], count = 8, device = 0): LoRaWanUplinkSource {
  return new LoRaWanUplinkSource({ device: fleet.devices[device]!, fleet, seed: 5, intervalMs: 900_000, startTs: START, count, faults });
}

function drain(uplinks: LoRaWanUplinkSource): UplinkPublish[] {
  const publishes: UplinkPublish[] = [];
  for (let step = 0; !uplinks.exhausted && step < 100; step++) publishes.push(...uplinks.next());
  return publishes;
}

describe('LoRaWAN uplink source', () => {
  let profile: PayloadDecoder;
  beforeAll(async () => {
    profile = await createDecoder(waterMeterDecoder(CODEC));
  });
  afterAll(() => profile.dispose());

  it('sends every uplink once, in fCnt order, 15 minutes apart, each decoding to exactly the flow it records', async () => {
    const publishes = drain(source([]));
    expect(publishes.map((publish) => publish.uplink.reading)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const first = publishes[0]!.uplink.fCnt;
    expect(publishes.map((publish) => publish.uplink.fCnt)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((offset) => first + offset));
    for (const { uplink, payload } of publishes) {
      const adapted = adaptChirpStackEvent(Buffer.from(payload), { eventType: 'up', topicDevEui: fleet.devices[0]!.devEui, arrivedAt });
      if (adapted.kind !== 'uplink') throw new Error(`not adapted: ${JSON.stringify(adapted)}`);
      expect(adapted.uplink).toMatchObject({ devEui: fleet.devices[0]!.devEui, fCnt: uplink.fCnt, fPort: 2, receivedAt: new Date(START + (uplink.reading - 1) * 900_000), link: uplink.link });
      const decoded = await profile.decode({ bytes: adapted.uplink.bytes, fPort: adapted.uplink.fPort, receivedAt: adapted.uplink.receivedAt });
      expect(decoded).toEqual({ readings: [{ metrics: uplink.metrics }], warnings: [] });
      // The catalogue's typical water flow band, at the frame's 0.01 m³/h.
      expect(uplink.metrics?.flow_m3h).toBeGreaterThanOrEqual(20);
      expect(uplink.metrics?.flow_m3h).toBeLessThanOrEqual(400);
      expect(uplink.link.gateways).toBeGreaterThanOrEqual(1);
      expect(uplink.link.gateways).toBeLessThanOrEqual(3);
    }
  });

  it('publishes a duplicate fCnt twice with the same bytes, holds buffered uplinks until `after` later ones went out', () => {
    const publishes = drain(
      source([
        { mode: 'duplicate-fcnt', fromReading: 2, toReading: 2 },
        { mode: 'out-of-order', fromReading: 4, toReading: 5, after: 2 },
        { mode: 'undecodable', fromReading: 7 },
      ]),
    );
    expect(publishes.map(({ uplink, repeat }) => `${uplink.reading}${repeat ? 'r' : ''}`)).toEqual(['1', '2', '2r', '3', '6', '7', '4', '5', '8']);
    expect(publishes[2]!.payload).toBe(publishes[1]!.payload);
    const byReading = new Map(publishes.map(({ uplink }) => [uplink.reading, uplink]));
    expect([...byReading.values()].filter((uplink) => uplink.outOfOrder).map((uplink) => uplink.reading)).toEqual([4, 5]);
    expect(byReading.get(2)?.publishes).toBe(2);
    expect(byReading.get(4)).toMatchObject({ fault: 'out-of-order', time: START + 3 * 900_000, publishes: 1 });
    expect(byReading.get(7)).toMatchObject({ fault: 'undecodable', expectedRefusal: 'DECODER_ERROR' });
    expect(byReading.get(7)?.metrics).toBeUndefined();
  });

  it('releases what a gateway still holds after the last uplink, and does not call it out of order when nothing later went first', () => {
    const heldToTheEnd = drain(source([{ mode: 'out-of-order', fromReading: 3 }], 4));
    expect(heldToTheEnd.map(({ uplink }) => uplink.reading)).toEqual([1, 2, 3, 4]);
    expect(heldToTheEnd.map(({ uplink }) => uplink.outOfOrder)).toEqual([false, false, false, false]);
    const overtaken = drain(source([{ mode: 'out-of-order', fromReading: 3, toReading: 3 }], 4));
    expect(overtaken.map(({ uplink }) => uplink.reading)).toEqual([1, 2, 4, 3]);
    expect(overtaken.map(({ uplink }) => uplink.outOfOrder)).toEqual([false, false, false, true]);
  });

  it('sends frames the codec refuses: wrong length, wrong type, and fPort 99 — each DECODER_ERROR through the real codec', async () => {
    const publishes = drain(source([{ mode: 'undecodable', toReading: 2 }, { mode: 'codec-error', fromReading: 3, toReading: 3 }], 4));
    const outcomes = [];
    for (const { uplink, payload } of publishes) {
      const adapted = adaptChirpStackEvent(Buffer.from(payload), { arrivedAt });
      if (adapted.kind !== 'uplink') throw new Error('not adapted');
      const decoded = await profile.decode({ bytes: adapted.uplink.bytes, fPort: adapted.uplink.fPort, receivedAt: adapted.uplink.receivedAt });
      outcomes.push([uplink.reading, adapted.uplink.bytes.length, adapted.uplink.fPort, isRefusal(decoded) ? decoded.reason : 'decoded', uplink.expectedRefusal ?? 'decoded']);
    }
    expect(outcomes).toEqual([
      [1, 7, 2, 'DECODER_ERROR', 'DECODER_ERROR'],
      [2, 11, 2, 'DECODER_ERROR', 'DECODER_ERROR'],
      [3, 11, 99, 'DECODER_ERROR', 'DECODER_ERROR'],
      [4, 11, 2, 'decoded', 'decoded'],
    ]);
  });

  it('puts a fault of the frame before one of its delivery, whatever the order they are listed in', () => {
    const publishes = drain(source([{ mode: 'duplicate-fcnt' }, { mode: 'codec-error', fromReading: 2, toReading: 3 }], 4));
    expect(publishes.map(({ uplink, repeat }) => `${uplink.reading}${repeat ? 'r' : ''}:${uplink.fault}`)).toEqual([
      '1:duplicate-fcnt', '1r:duplicate-fcnt', '2:codec-error', '3:codec-error', '4:duplicate-fcnt', '4r:duplicate-fcnt',
    ]);
  });

  it('gives a device the same flows with and without faults, and other devices their own', () => {
    const flows = (uplinks: UplinkPublish[]) => uplinks.filter((publish) => !publish.repeat).sort((a, b) => a.uplink.reading - b.uplink.reading).map(({ uplink }) => uplink.metrics?.flow_m3h);
    const healthy = flows(drain(source([])));
    const faulty = drain(source([{ mode: 'duplicate-fcnt' }, { mode: 'out-of-order', fromReading: 2, toReading: 3 }]));
    expect(flows(faulty)).toEqual(healthy);
    expect(flows(drain(source([], 8, 1)))).not.toEqual(healthy);
  });
});
