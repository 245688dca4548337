import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDecoder, PayloadDecoder } from '@hub/decoders';
import { FaultSpec } from './fault-plan';
import { TelemetryMessageSource } from './telemetry-message-source';
import { pressureLoggerDecoder, RTU_JSON_DECODER } from './vendor-device-profiles';
import { encodePressureLoggerHex, encodeRtuJson, localTime, PayloadFormat } from './vendor-payload';

const PRESSURE_LOGGER_CODEC = readFileSync(path.join(__dirname, 'codecs/pressure-logger.codec.js'), 'utf8');
const receivedAt = new Date('2026-12-06T10:00:01Z');
// 10:00:00.250 UTC on 6 December 2026: the RTU's clock (UTC+8) says 18:00:00.
const TS = Date.UTC(2026, 11, 6, 10, 0, 0, 250);

describe('vendor payloads and the profiles that read them', () => {
  let rtu: PayloadDecoder;
  let logger: PayloadDecoder;
  beforeAll(async () => {
    rtu = await createDecoder(RTU_JSON_DECODER);
    logger = await createDecoder(pressureLoggerDecoder(PRESSURE_LOGGER_CODEC));
  });
  afterAll(() => {
    rtu.dispose();
    logger.dispose();
  });

  it('writes the RTU\'s JSON with its own names and units and its local clock', () => {
    expect(encodeRtuJson(TS, { pressure_kpa: 412.5, flow_m3h: 123.45 })).toEqual({
      payload: '{"T":"2026-12-06 18:00:00","P1":4125,"unit":"0.1kPa","Q1":3429}',
      // 3429 × 0.01 L/s = 34.29 L/s = 123.444 m³/h: the RTU's resolution, not the generator's.
      stored: { ts: Date.UTC(2026, 11, 6, 10, 0, 0), metrics: { pressure_kpa: 412.5, flow_m3h: 123.444 } },
    });
    expect(localTime(Date.UTC(2026, 11, 31, 20, 30, 5), 'Asia/Shanghai')).toBe('2027-01-01 04:30:05');
  });

  it('writes the PL-9 frame as upper-case hex', () => {
    expect(encodePressureLoggerHex(TS, { pressure_kpa: 412.5 })).toEqual({
      payload: `02${Math.floor(TS / 1000).toString(16).toUpperCase()}101D0E10`,
      stored: { ts: Date.UTC(2026, 11, 6, 10, 0, 0), metrics: { pressure_kpa: 412.5 } },
    });
    expect(() => encodePressureLoggerHex(TS, { pressure_kpa: 6553.6 })).toThrow(/0 to 6553.5 kPa/);
  });

  it.each<[number, number]>([
    [412.5, 123.45],
    [0, 0],
    [300.04, 20.01],
    [599.96, 399.99],
    [2500, 10000],
  ])('the RTU profile decodes pressure %d kPa and flow %d m³/h to exactly what the report records', async (pressure, flow) => {
    const { payload, stored } = encodeRtuJson(TS, { pressure_kpa: pressure, flow_m3h: flow });
    expect(await rtu.decode({ bytes: Buffer.from(payload), receivedAt })).toEqual({ readings: [stored], warnings: [] });
  });

  it.each([0, 0.1, 412.5, 599.94, 3750, 6553.5])('the PL-9 profile decodes %d kPa from hex text to exactly what the report records', async (pressure) => {
    const { payload, stored } = encodePressureLoggerHex(TS, { pressure_kpa: pressure });
    expect(await logger.decode({ bytes: Buffer.from(payload), text: payload, receivedAt })).toEqual({ readings: [stored], warnings: [] });
  });

  it.each<[PayloadFormat, FaultSpec[]]>([
    ['vendor-json', []],
    ['hex', []],
    ['vendor-json', [{ mode: 'out-of-range', fromReading: 2, toReading: 2 }]],
    ['hex', [{ mode: 'spike', metric: 'pressure_kpa', fromReading: 3 }]],
  ])('a water device speaking %s (faults %j) sends what its profile turns into the readings it records', async (payloadFormat, faults) => {
    const source = new TelemetryMessageSource({
      target: { deviceId: 'sim-water-1', domain: 'water', index: 1 },
      seed: 3,
      intervalMs: 60_000,
      batchSize: 1,
      startTs: TS,
      timestampFormat: 'epoch-ms',
      withSeq: false,
      count: 4,
      faults,
      payloadFormat,
    });
    const decoder = payloadFormat === 'hex' ? logger : rtu;
    for (let reading = 1; reading <= 4; reading++) {
      const message = source.next();
      const sent = message.readings[0];
      expect(sent?.ts).toBe(Math.floor((TS + (reading - 1) * 60_000) / 1000) * 1000);
      const decoded = await decoder.decode({ bytes: Buffer.from(message.payload ?? ''), text: message.payload, receivedAt });
      expect(decoded).toEqual({ readings: [{ ts: sent?.ts, metrics: sent?.metrics }], warnings: [] });
    }
    expect(source.exhausted).toBe(true);
  });

  it('records an out-of-range pressure as the reading the hub will refuse once decoded', () => {
    const outOfRange = new TelemetryMessageSource({
      target: { deviceId: 'sim-water-1', domain: 'water', index: 1 },
      seed: 3,
      intervalMs: 60_000,
      batchSize: 1,
      startTs: TS,
      timestampFormat: 'epoch-ms',
      withSeq: false,
      faults: [{ mode: 'out-of-range' }],
      payloadFormat: 'hex',
    }).next();
    expect(outOfRange.readings[0]).toMatchObject({ metrics: { pressure_kpa: 3750 }, valid: false, expectedReason: 'VALUE_OUT_OF_RANGE' });
    expect(outOfRange.expectedRejections).toEqual(['VALUE_OUT_OF_RANGE']);
  });
});
