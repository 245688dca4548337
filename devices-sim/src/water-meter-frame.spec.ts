import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ScriptDecoder, DEFAULT_DECODER_LIMITS } from '@hub/decoders';
import { encodeWaterMeterFrame, FrameEncodingError, NO_ALARMS, WaterMeterFields } from './water-meter-frame';
import { WATER_METER_MAPPING } from './vendor-device-profiles';

const CODEC = readFileSync(path.join(__dirname, '../../libs/decoders/src/fixtures/water-meter.codec.js'), 'utf8');
const receivedAt = new Date('2026-12-06T10:00:00Z');
const fields = (overrides: Partial<WaterMeterFields> = {}): WaterMeterFields => ({ volumeL: 123_456, flowM3h: 5, batteryMv: 3600, alarms: NO_ALARMS, temperatureC: 12, ...overrides });

describe('WM-11 water-meter frame', () => {
  let raw: ScriptDecoder;
  let profile: ScriptDecoder;
  beforeAll(async () => {
    raw = await ScriptDecoder.create({ source: CODEC, mapping: { metrics: { volume_l: { expr: 'volume_l' }, flow_m3h: { expr: 'flow_m3h' }, battery_v: { expr: 'battery_v' }, temperature_c: { expr: 'temperature_c' }, flags: { expr: '(alarms.leak ? 1 : 0) + (alarms.burst ? 2 : 0) + (alarms.tamper ? 4 : 0) + (alarms.low_battery ? 8 : 0)' } } } }, DEFAULT_DECODER_LIMITS);
    profile = await ScriptDecoder.create({ source: CODEC, mapping: WATER_METER_MAPPING }, DEFAULT_DECODER_LIMITS);
  });
  afterAll(() => {
    raw.dispose();
    profile.dispose();
  });

  it('encodes the frame of the codec\'s own tests byte for byte (leak and tamper set), and low battery as bit 3', () => {
    const hex = (input: WaterMeterFields) => Buffer.from(encodeWaterMeterFrame(input)).toString('hex').toUpperCase();
    expect(hex(fields({ alarms: { ...NO_ALARMS, leak: true, tamper: true } }))).toBe('010001E24001F40E10050C');
    expect(hex(fields({ alarms: { ...NO_ALARMS, lowBattery: true } }))).toBe('010001E24001F40E10080C');
  });

  it.each<[string, WaterMeterFields, Record<string, number>, string[]]>([
    ['a typical reading', fields({ volumeL: 4_812_339, flowM3h: 123.45, batteryMv: 3587, temperatureC: 9 }), { volume_l: 4_812_339, flow_m3h: 123.45, battery_v: 3.587, temperature_c: 9, flags: 0 }, []],
    ['the smallest values', fields({ volumeL: 0, flowM3h: 0, batteryMv: 0, temperatureC: -128 }), { volume_l: 0, flow_m3h: 0, battery_v: 0, temperature_c: -128, flags: 0 }, []],
    [
      'the largest values and every alarm',
      fields({ volumeL: 0xffff_ffff, flowM3h: 655.35, batteryMv: 65535, temperatureC: 127, alarms: { leak: true, burst: true, tamper: true, lowBattery: true } }),
      { volume_l: 4_294_967_295, flow_m3h: 655.35, battery_v: 65.535, temperature_c: 127, flags: 15 },
      ['battery low'],
    ],
    ['a sub-zero pipe and a flow between steps', fields({ flowM3h: 0.014, temperatureC: -1 }), { volume_l: 123_456, flow_m3h: 0.01, battery_v: 3.6, temperature_c: -1, flags: 0 }, []],
    ['a burst', fields({ flowM3h: 312.006, alarms: { ...NO_ALARMS, burst: true } }), { volume_l: 123_456, flow_m3h: 312.01, battery_v: 3.6, temperature_c: 12, flags: 2 }, []],
  ])('round-trips %s through the real codec in the QuickJS sandbox', async (_name, input, decoded, warnings) => {
    const frame = encodeWaterMeterFrame(input);
    expect(frame).toHaveLength(11);
    expect(await raw.decode({ bytes: frame, fPort: 2, receivedAt })).toEqual({ readings: [{ metrics: decoded }], warnings });
    // The profile the docs give keeps the one built-in water metric.
    expect(await profile.decode({ bytes: frame, fPort: 2, receivedAt })).toEqual({ readings: [{ metrics: { flow_m3h: decoded.flow_m3h } }], warnings });
  });

  it.each<[Partial<WaterMeterFields>, string]>([
    [{ volumeL: 2 ** 32 }, 'volumeL=4294967296'],
    [{ volumeL: 1.5 }, 'volumeL=1.5'],
    [{ flowM3h: 655.355 }, 'flowM3h=655.355'],
    [{ flowM3h: -0.01 }, 'flowM3h=-0.01'],
    [{ flowM3h: Number.NaN }, 'flowM3h=NaN'],
    [{ batteryMv: 65536 }, 'batteryMv=65536'],
    [{ temperatureC: 128 }, 'temperatureC=128'],
    [{ temperatureC: -129 }, 'temperatureC=-129'],
  ])('refuses %j rather than wrap it', (override, named) => {
    expect(() => encodeWaterMeterFrame(fields(override))).toThrow(FrameEncodingError);
    expect(() => encodeWaterMeterFrame(fields(override))).toThrow(named);
  });
});
