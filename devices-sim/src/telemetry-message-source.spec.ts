import { MetricCatalogue, validateTelemetry, ValidationLimits } from '@hub/contract';
import { MessageSourceConfig, TelemetryMessageSource } from './telemetry-message-source';

const LIMITS: ValidationLimits = { maxPayloadBytes: 256 * 1024, maxBatchReadings: 1000, maxAgeMs: 7 * 86_400_000, maxFutureMs: 300_000 };
const START = Date.UTC(2025, 0, 15, 17, 30);

function source(overrides: Partial<MessageSourceConfig> = {}): TelemetryMessageSource {
  return new TelemetryMessageSource({
    target: { deviceId: 'sim-traffic-1', domain: 'traffic', index: 1 },
    seed: 1,
    intervalMs: 1000,
    batchSize: 1,
    startTs: START,
    timestampFormat: 'epoch-ms',
    withSeq: false,
    faults: [],
    ...overrides,
  });
}

describe('telemetry message source', () => {
  it('sends one reading object per publish, ts advancing by intervalMs', () => {
    const readings = source({ intervalMs: 250 });
    const payloads = [readings.next(), readings.next()].map((message) => JSON.parse(message.payload ?? ''));
    expect(payloads.map((payload) => payload.ts)).toEqual([START, START + 250]);
    expect(Array.isArray(payloads[0])).toBe(false);
  });

  it('batches hold N readings, oldest first, ts spaced by intervalMs, and continue where the last batch ended', () => {
    const batches = source({ batchSize: 5, intervalMs: 2000, withSeq: true });
    const first = JSON.parse(batches.next().payload ?? '');
    const second = JSON.parse(batches.next().payload ?? '');
    expect(first.map((entry: { ts: number }) => entry.ts)).toEqual([0, 1, 2, 3, 4].map((n) => START + n * 2000));
    expect(second[0].ts).toBe(START + 5 * 2000);
    expect(second.map((entry: { seq: number }) => entry.seq)).toEqual([6, 7, 8, 9, 10]);
    const result = validateTelemetry({ domain: 'traffic', deviceId: 'sim-traffic-1' }, Buffer.from(JSON.stringify(first)), START + 10_000, LIMITS, MetricCatalogue.BUILT_IN);
    expect(result.readings).toHaveLength(5);
  });

  it('cuts the last batch short at count and is then exhausted', () => {
    const batches = source({ batchSize: 4, count: 6 });
    expect(batches.next().readings).toHaveLength(4);
    expect(batches.next().readings).toHaveLength(2);
    expect(batches.exhausted).toBe(true);
  });

  it('writes ts as ISO-8601 or leaves it out, as configured', () => {
    const iso = JSON.parse(source({ timestampFormat: 'iso' }).next().payload ?? '');
    expect(iso.ts).toBe(new Date(START).toISOString());
    const none = source({ timestampFormat: 'none' }).next();
    expect(JSON.parse(none.payload ?? '')).not.toHaveProperty('ts');
    expect(none.readings[0].ts).toBeUndefined();
  });

  it('records each reading exactly as it went on the wire', () => {
    const message = source({ withSeq: true }).next();
    const wire = JSON.parse(message.payload ?? '');
    expect(message.readings).toEqual([{ deviceId: 'sim-traffic-1', domain: 'traffic', reading: 1, ts: wire.ts, seq: 1, metrics: wire.metrics, valid: true, acked: false }]);
  });

  it('replays exactly with the same seed and differs with another', () => {
    const run = (seed: number) => {
      const readings = source({ seed, batchSize: 3 });
      return [readings.next().payload, readings.next().payload];
    };
    expect(run(9)).toEqual(run(9));
    expect(run(10)).not.toEqual(run(9));
  });
});
