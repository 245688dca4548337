import { BUILT_IN_DOMAINS, Domain, MetricCatalogue, validateTelemetry, ValidationLimits } from '@hub/contract';
import { FAULT_EXPECTED_REASON, FaultMode, FaultSpec, FaultSpecError } from './fault-plan';
import { MessageSourceConfig, TelemetryMessageSource } from './telemetry-message-source';

const LIMITS: ValidationLimits = { maxPayloadBytes: 256 * 1024, maxBatchReadings: 1000, maxAgeMs: 7 * 86_400_000, maxFutureMs: 300_000 };
const START = Date.UTC(2025, 0, 15, 8);

function source(domain: Domain, faults: FaultSpec[], overrides: Partial<MessageSourceConfig> = {}): TelemetryMessageSource {
  return new TelemetryMessageSource({
    target: { deviceId: `sim-${domain}-1`, domain, index: 1 },
    seed: 1,
    intervalMs: 1000,
    batchSize: 1,
    startTs: START,
    timestampFormat: 'epoch-ms',
    withSeq: false,
    faults,
    ...overrides,
  });
}

function validate(domain: Domain, payload: string | undefined) {
  return validateTelemetry({ domain, deviceId: `sim-${domain}-1` }, Buffer.from(payload ?? ''), START, LIMITS, MetricCatalogue.BUILT_IN);
}

const INVALID_MODES = (Object.keys(FAULT_EXPECTED_REASON) as FaultMode[]).filter((mode) => FAULT_EXPECTED_REASON[mode] !== undefined);

describe('fault plan', () => {
  it('declares an expected reason for exactly the invalid modes', () => {
    expect(INVALID_MODES.sort()).toEqual(['malformed-json', 'out-of-range', 'unknown-metric']);
  });

  describe.each(BUILT_IN_DOMAINS)('in the %s domain', (domain) => {
    it.each(INVALID_MODES)('%s is refused by validateTelemetry with exactly its expected reason', (mode) => {
      const message = source(domain, [{ mode }]).next();
      const expected = FAULT_EXPECTED_REASON[mode];
      const result = validate(domain, message.payload);
      expect(result.readings).toEqual([]);
      expect(result.rejections.map((rejection) => rejection.reason)).toEqual([expected]);
      expect(message.expectedRejections).toEqual([expected]);
      expect(message.readings).toMatchObject([{ valid: false, expectedReason: expected }]);
    });

    it.each(MetricCatalogue.BUILT_IN.metricNames(domain))('out-of-range on %s is refused as VALUE_OUT_OF_RANGE', (metric) => {
      const message = source(domain, [{ mode: 'out-of-range', metric }]).next();
      expect(validate(domain, message.payload).rejections.map((rejection) => rejection.reason)).toEqual(['VALUE_OUT_OF_RANGE']);
    });
  });

  it('in a batch, refuses exactly the faulty entries and stores the rest', () => {
    const message = source('water', [{ mode: 'out-of-range', everyNth: 2 }, { mode: 'unknown-metric', fromReading: 5, toReading: 5 }], { batchSize: 6 }).next();
    const result = validate('water', message.payload);
    expect(result.readings.map((reading) => reading.ts)).toEqual([START, START + 2000]);
    expect(result.rejections.map((rejection) => [rejection.index, rejection.reason])).toEqual([
      [1, 'VALUE_OUT_OF_RANGE'],
      [3, 'VALUE_OUT_OF_RANGE'],
      [4, 'METRIC_UNKNOWN'],
      [5, 'VALUE_OUT_OF_RANGE'],
    ]);
    expect(message.readings.map((reading) => reading.expectedReason ?? 'ok')).toEqual(['ok', 'VALUE_OUT_OF_RANGE', 'ok', 'VALUE_OUT_OF_RANGE', 'METRIC_UNKNOWN', 'VALUE_OUT_OF_RANGE']);
    expect(message.expectedRejections).toEqual(['VALUE_OUT_OF_RANGE', 'VALUE_OUT_OF_RANGE', 'METRIC_UNKNOWN', 'VALUE_OUT_OF_RANGE']);
  });

  it('a malformed batch makes every reading in it invalid, with one expected rejection', () => {
    const message = source('gas', [{ mode: 'malformed-json', fromReading: 2, toReading: 2 }], { batchSize: 3 }).next();
    expect(validate('gas', message.payload).rejections.map((rejection) => rejection.reason)).toEqual(['MALFORMED_JSON']);
    expect(message.readings.map((reading) => reading.expectedReason)).toEqual(['MALFORMED_JSON', 'MALFORMED_JSON', 'MALFORMED_JSON']);
    expect(message.expectedRejections).toEqual(['MALFORMED_JSON']);
  });

  it('stuck repeats the exact value of the first reading in its window, and the payload stays valid', () => {
    const faulty = source('power', [{ mode: 'stuck', metric: 'voltage_v', fromReading: 3 }]);
    const values = Array.from({ length: 8 }, () => faulty.next()).map((message) => {
      expect(validate('power', message.payload).rejections).toEqual([]);
      return message.readings[0].metrics.voltage_v;
    });
    expect(new Set(values.slice(2)).size).toBe(1);
    expect(values[2]).toBe(values[7]);
    expect(new Set(values.slice(0, 3)).size).toBe(3);
  });

  it('stuck without a metric freezes the whole reading', () => {
    const faulty = source('heat', [{ mode: 'stuck' }]);
    const first = faulty.next().readings[0].metrics;
    expect(faulty.next().readings[0].metrics).toEqual(first);
  });

  it('spike sets the configured value inside its window only, and stays valid', () => {
    const faulty = source('gas', [{ mode: 'spike', metric: 'methane_pct_lel', value: 35, fromReading: 3, toReading: 5 }]);
    const methane = Array.from({ length: 7 }, () => faulty.next()).map((message) => {
      expect(validate('gas', message.payload).rejections).toEqual([]);
      expect(message.readings[0].valid).toBe(true);
      return message.readings[0].metrics.methane_pct_lel;
    });
    expect(methane.map((value) => value === 35)).toEqual([false, false, true, true, true, false, false]);
    expect(Math.max(...methane.filter((value) => value !== 35))).toBeLessThanOrEqual(2);
  });

  it('spike without a value goes near the top of the physical range', () => {
    const message = source('gas', [{ mode: 'spike', metric: 'methane_pct_lel' }]).next();
    expect(message.readings[0].metrics.methane_pct_lel).toBe(95);
  });

  it('silent skips readings but keeps counting them; with disconnect it asks to drop the connection', () => {
    const quiet = source('water', [{ mode: 'silent', fromReading: 2, toReading: 3 }], { count: 4, withSeq: true });
    const seqs = [quiet.next(), quiet.next(), quiet.next(), quiet.next()].map((message) => message.readings.map((reading) => reading.seq));
    expect(seqs).toEqual([[1], [], [], [4]]);
    expect(quiet.exhausted).toBe(true);

    const dropping = source('water', [{ mode: 'silent', fromReading: 2, disconnect: true }]);
    expect(dropping.next().disconnect).toBe(false);
    const second = dropping.next();
    expect(second).toMatchObject({ disconnect: true, readings: [] });
    expect(second.payload).toBeUndefined();
    expect(dropping.exhausted).toBe(true);
  });

  it('applies a fault only to the selected devices', () => {
    const faults: FaultSpec[] = [{ mode: 'out-of-range', domain: 'water', devices: 1 }];
    const make = (domain: Domain, index: number) =>
      new TelemetryMessageSource({ target: { deviceId: `sim-${domain}-${index}`, domain, index }, seed: 1, intervalMs: 1000, batchSize: 1, startTs: START, timestampFormat: 'epoch-ms', withSeq: false, faults });
    expect(make('water', 1).next().readings[0].valid).toBe(false);
    expect(make('water', 2).next().readings[0].valid).toBe(true);
    expect(make('gas', 1).next().readings[0].valid).toBe(true);
  });

  it('keeps the healthy readings of a faulty device identical to the same device without faults', () => {
    const healthy = source('traffic', []);
    const faulty = source('traffic', [{ mode: 'out-of-range', fromReading: 2, toReading: 2 }]);
    const pairs = Array.from({ length: 4 }, () => [healthy.next().readings[0].metrics, faulty.next().readings[0].metrics]);
    expect(pairs[0][1]).toEqual(pairs[0][0]);
    expect(pairs[1][1]).not.toEqual(pairs[1][0]);
    expect(pairs[3][1]).toEqual(pairs[3][0]);
  });

  it.each<[string, FaultSpec]>([
    ['an out-of-range value inside the range', { mode: 'out-of-range', metric: 'ph', value: 7 }],
    ['a spike value outside the range', { mode: 'spike', metric: 'ph', value: 15 }],
    ['a metric the domain does not have', { mode: 'spike', metric: 'methane_pct_lel' }],
    ['an unknown-metric name that is real', { mode: 'unknown-metric', metric: 'ph' }],
  ])('refuses a fault with %s', (_, fault) => {
    expect(() => source('water', [fault])).toThrow(FaultSpecError);
  });
});
