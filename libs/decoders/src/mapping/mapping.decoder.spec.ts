import { MetricCatalogue, validateTelemetry } from '@hub/contract';
import { DecoderDefinitionError } from '../decoder-definition.error';
const DEFAULT_DECODER_LIMITS = { timeLimitMs: 50 };
import { MappingDecoder } from './mapping.decoder';
import { MappingDefinition } from './mapping-definition';

const receivedAt = new Date('2026-12-05T08:00:00Z');
const json = (value: unknown) => ({ bytes: Buffer.from(JSON.stringify(value)), receivedAt });
const decoder = (definition: MappingDefinition) => new MappingDecoder(definition, DEFAULT_DECODER_LIMITS);

describe('MappingDecoder', () => {
  it('reads a vendor RTU\'s {"P1": 4125, "unit": "0.1kPa"} as pressure_kpa 412.5, the unit taken from the payload', async () => {
    const rtu = decoder({ metrics: { pressure_kpa: { expr: 'P1', unit: { fromExpr: 'unit', to: 'kPa' } } } });
    expect(await rtu.decode(json({ P1: 4125, unit: '0.1kPa' }))).toEqual({ readings: [{ metrics: { pressure_kpa: 412.5 } }], warnings: [] });
    expect(await rtu.decode(json({ P1: 4.125, unit: 'bar' }))).toEqual({ readings: [{ metrics: { pressure_kpa: 412.5 } }], warnings: [] });
    expect(await rtu.decode(json({ P1: 0.4125, unit: 'MPa' }))).toEqual({ readings: [{ metrics: { pressure_kpa: 412.5 } }], warnings: [] });
    expect(await rtu.decode(json({ P1: 4125, unit: 'furlong' }))).toEqual({
      reason: 'DECODER_OUTPUT_INVALID',
      detail: expect.stringMatching(/^pressure_kpa: unknown unit "furlong"; known: Pa, hPa, 0\.1kPa, kPa/),
    });
    expect(await rtu.decode(json({ P1: 4125, unit: 'L/s' }))).toEqual({
      reason: 'DECODER_OUTPUT_INVALID',
      detail: 'pressure_kpa: L/s is a flow unit and kPa a pressure unit',
    });
  });

  it('applies scale and offset before converting, and converts L/s, °F and Wh exactly', async () => {
    const meter = decoder({
      metrics: {
        flow_m3h: { expr: 'q', unit: { from: 'L/s', to: 'm³/h' } },
        temperature_c: { expr: 't', scale: 0.1, unit: { from: '°F', to: '°C' } },
        energy_kwh: { expr: 'e', unit: { from: 'Wh', to: 'kWh' } },
        level_m: { expr: 'lvl', scale: 0.01, offset: -0.5 },
      },
    });
    expect(await meter.decode(json({ q: 12.5, t: 500, e: 123456, lvl: 350 }))).toEqual({
      readings: [{ metrics: { flow_m3h: 45, temperature_c: 10, energy_kwh: 123.456, level_m: 3 } }],
      warnings: [],
    });
  });

  it('reads timestamps as epoch seconds, epoch ms, ISO 8601 and Asia/Shanghai wall-clock time', async () => {
    const at = (format: 'epoch-s' | 'epoch-ms' | 'iso8601' | 'local', zone?: string) =>
      decoder({ metrics: { ph: { expr: 'ph' } }, timestamp: { expr: 'time', format, ...(zone ? { zone } : {}) }, seq: 'n' });
    const expected = { readings: [{ ts: Date.parse('2026-12-05T06:30:15Z'), seq: 7, metrics: { ph: 7.2 } }], warnings: [] };
    expect(await at('epoch-s').decode(json({ ph: 7.2, n: 7, time: 1796452215 }))).toEqual(expected);
    expect(await at('epoch-s').decode(json({ ph: 7.2, n: 7, time: '1796452215' }))).toEqual(expected);
    expect(await at('epoch-ms').decode(json({ ph: 7.2, n: 7, time: 1796452215000 }))).toEqual(expected);
    expect(await at('iso8601').decode(json({ ph: 7.2, n: 7, time: '2026-12-05T14:30:15+08:00' }))).toEqual(expected);
    // Shanghai is UTC+8 all year: 14:30:15 there is 06:30:15Z.
    expect(await at('local', 'Asia/Shanghai').decode(json({ ph: 7.2, n: 7, time: '2026-12-05 14:30:15' }))).toEqual(expected);
    expect(await at('local', 'Asia/Shanghai').decode(json({ ph: 7.2, n: 7, time: '2026/12/05 14:30:15' }))).toEqual(expected);
    expect(await at('iso8601').decode(json({ ph: 7.2, time: '2026-12-05 14:30:15' }))).toEqual({
      reason: 'DECODER_OUTPUT_INVALID',
      detail: 'ts ← time: the string "2026-12-05 14:30:15" is not an ISO 8601 date-time with a zone',
    });
    expect(await at('local', 'Asia/Shanghai').decode(json({ ph: 7.2, time: '2026-02-30 10:00:00' }))).toEqual({
      reason: 'DECODER_OUTPUT_INVALID',
      detail: 'ts ← time: the string "2026-02-30 10:00:00" is not a real date and time',
    });
    // Europe/Berlin skips 02:00–03:00 on 2026-03-29; 02:30 never happened there.
    expect(await at('local', 'Europe/Berlin').decode(json({ ph: 7.2, time: '2026-03-29 02:30:00' }))).toEqual({
      reason: 'DECODER_OUTPUT_INVALID',
      detail: 'ts ← time: the string "2026-03-29 02:30:00" does not exist in Europe/Berlin (a daylight-saving gap)',
    });
    expect(await at('local', 'Europe/Berlin').decode(json({ ph: 7.2, time: '2026-07-01 12:00:00' }))).toEqual({
      readings: [{ ts: Date.parse('2026-07-01T10:00:00Z'), metrics: { ph: 7.2 } }],
      warnings: [],
    });
  });

  it('gives one reading per record of a batch, and their output passes the contract validator unchanged', async () => {
    const logger = decoder({
      records: 'rows',
      metrics: { pressure_kpa: { expr: 'p', unit: { from: 'MPa', to: 'kPa' } }, flow_m3h: { expr: 'f' } },
      timestamp: { expr: 't', format: 'epoch-s' },
    });
    const outcome = await logger.decode(json({ imei: '860000000000001', rows: [{ p: 0.41, f: 120, t: 1796450000 }, { p: 0.42, t: 1796450900 }] }));
    expect(outcome).toEqual({
      readings: [
        { ts: 1796450000000, metrics: { pressure_kpa: 410, flow_m3h: 120 } },
        { ts: 1796450900000, metrics: { pressure_kpa: 420 } },
      ],
      warnings: [],
    });
    const payload = Buffer.from(JSON.stringify('readings' in outcome ? outcome.readings : []));
    const limits = { maxPayloadBytes: 65536, maxBatchReadings: 100, maxAgeMs: 7 * 86_400_000, maxFutureMs: 60_000 };
    const validated = validateTelemetry({ domain: 'water', deviceId: 'logger-1' }, payload, 1796451000000, limits, MetricCatalogue.BUILT_IN);
    expect(validated.rejections).toEqual([]);
    expect(validated.readings.map((reading) => reading.metrics)).toEqual([{ pressure_kpa: 410, flow_m3h: 120 }, { pressure_kpa: 420 }]);
  });

  it('refuses what is not a number, a payload without any mapped metric, and a payload that is not JSON', async () => {
    const rtu = decoder({ metrics: { pressure_kpa: { expr: 'P1' }, flow_m3h: { expr: 'Q' } } });
    expect(await rtu.decode(json({ P1: '412' }))).toEqual({ reason: 'DECODER_OUTPUT_INVALID', detail: 'pressure_kpa ← P1 gave the string "412", not a finite number' });
    expect(await rtu.decode(json({ P1: [1, 2] }))).toEqual({ reason: 'DECODER_OUTPUT_INVALID', detail: 'pressure_kpa ← P1 gave an array, not a finite number' });
    expect(await rtu.decode(json({ other: 1 }))).toEqual({
      reason: 'DECODER_OUTPUT_INVALID',
      detail: 'no mapped metric is in the payload (looked for pressure_kpa ← P1, flow_m3h ← Q)',
    });
    expect(await rtu.decode(json([1]))).toEqual({ reason: 'DECODER_OUTPUT_INVALID', detail: 'a record must be an object, got an array' });
    expect(await rtu.decode({ bytes: Buffer.from('{"P1": 41'), receivedAt })).toEqual({ reason: 'MALFORMED_JSON', detail: expect.stringMatching(/JSON/) });
    expect(await rtu.decode({ bytes: Buffer.from('['.repeat(40)), receivedAt })).toEqual({
      reason: 'MALFORMED_JSON',
      detail: 'nests deeper than 32 levels (byte 32)',
    });
    // The network server's own decoded object goes in as json, without bytes to parse.
    expect(await rtu.decode({ bytes: new Uint8Array(0), json: { P1: 400 }, receivedAt })).toEqual({ readings: [{ metrics: { pressure_kpa: 400 } }], warnings: [] });
  });

  it('bounds evaluation: a runaway recursive expression is refused within the time limit, not left to run', async () => {
    const runaway = decoder({ metrics: { ph: { expr: '($f := function($n){ $f($n + 1) }; $f(0))' } } });
    const started = Date.now();
    expect(await runaway.decode(json({}))).toEqual({
      reason: 'DECODER_TIMEOUT',
      detail: expect.stringMatching(/^ph ← \(\$f := .*: JSONata D1012 at position \d+: Evaluation timeout after 250 milliseconds/),
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a bad definition when it is saved, naming every field and JSONata\'s own message', () => {
    const attempt = () =>
      decoder({
        metrics: {
          pressure_kpa: { expr: 'P1 +', unit: { from: 'bar', to: 'L/s' } },
          'Flow Rate': { expr: 'Q' },
        },
        timestamp: { expr: 'time', format: 'local' },
      } as MappingDefinition);
    expect(attempt).toThrow(DecoderDefinitionError);
    try {
      attempt();
    } catch (error) {
      expect((error as DecoderDefinitionError).issues).toEqual([
        { field: 'metrics.pressure_kpa.expr', problem: expect.stringMatching(/^JSONata S0207 at position 4: Unexpected end of expression/) },
        { field: 'metrics.pressure_kpa.unit', problem: 'bar is a pressure unit and L/s a flow unit' },
        { field: 'metrics.Flow Rate', problem: 'a metric name is lower-case letters, digits and _ (e.g. pressure_kpa)' },
        { field: 'timestamp.zone', problem: 'format local needs an IANA time zone such as Asia/Shanghai, got undefined' },
      ]);
    }
    expect(() => decoder({ metrics: {} })).toThrow('Invalid decoder definition: metrics: must map at least one metric name');
    expect(() => decoder({ metrics: { ph: { expr: 'ph' } }, timestamp: { expr: 't', format: 'local', zone: 'Mars/Olympus' } })).toThrow(
      'timestamp.zone: format local needs an IANA time zone such as Asia/Shanghai, got "Mars/Olympus"',
    );
  });
});
