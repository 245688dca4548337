import type { Random } from '@hub/common';
import { Domain, MetricCatalogue, MetricSpec, RejectReason } from '@hub/contract';

/**
 * Readings for the fuzz test, built as JSON text piece by piece so that the test knows, from how it built each one,
 * whether the hub must store it (and with what values) or refuse it (and why) — the oracle never asks the code
 * under test. Generated text is plain on purpose: keys without escapes, no backslashes or brackets inside strings,
 * no whitespace at the end, so that the text mutations in fuzz-messages.ts provably break it.
 */

/** A reading the hub must store: `${deviceId}@${ts}` and its values (−0 stored as 0). */
export interface ExpectedReading {
  readonly key: string;
  readonly metrics: Readonly<Record<string, number>>;
}

/** One entry of a reading: its fields as [key, JSON text], in the order written. */
export type Fields = Array<[key: string, json: string]>;

export interface BuiltReading {
  readonly fields: Fields;
  /** What the hub must store for it; undefined when it must be refused. */
  readonly stored?: ExpectedReading;
  /** The reasons it may be refused for (exactly one unless the mutation allows several). */
  readonly refusedAs?: readonly RejectReason[];
  /** Nesting below the reading's own object (metrics: 1). */
  readonly depth: number;
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
export const between = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/** `{"a":1,"b":2}`, sometimes with inner whitespace (never trailing). */
export function objectText(random: Random, fields: Fields): string {
  const spaced = random() < 0.2;
  const members = fields.map(([key, json]) => `"${key}":${spaced ? ' ' : ''}${json}`);
  return spaced ? `{\n  ${members.join(',\n  ')}\n}` : `{${members.join(',')}}`;
}

/** A value the catalogue accepts, as JSON text, and the number the hub must store for it. */
function metricValue(random: Random, spec: MetricSpec): [json: string, stored: number] {
  const [min, max] = spec.range;
  const roll = random();
  if (spec.integer) {
    const value = roll < 0.1 ? min : roll < 0.2 ? max : between(random, min, max);
    return [String(value), value];
  }
  if (roll < 0.05) return [String(min), min];
  if (roll < 0.1) return [String(max), max];
  // A sensor rounding -0.04 prints -0: accepted as 0.
  if (roll < 0.15 && min <= 0 && max >= 0) return [pick(random, ['-0', '-0.0', '0.0', '-0e3']), 0];
  const value = min + random() * (max - min);
  return [String(value), value];
}

/** The ts of a reading as JSON text: epoch ms, ISO with Z, or ISO with a +02:00 offset (same instant). */
function tsText(random: Random, ts: number): string {
  const roll = random();
  if (roll < 0.6) return String(ts);
  if (roll < 0.85) return `"${new Date(ts).toISOString()}"`;
  return `"${new Date(ts + 2 * 3_600_000).toISOString().replace('Z', '+02:00')}"`;
}

/** Every reading of a device gets its own ts and seq, so stored points never overwrite each other. */
export class ReadingFactory {
  private tsCounter = 0;
  private seqCounter = 0;

  constructor(
    readonly domain: Domain,
    readonly deviceId: string,
    private readonly random: Random,
    private readonly tsBase: number,
  ) {}

  valid(): BuiltReading {
    const random = this.random;
    const ts = this.tsBase + ++this.tsCounter * 7;
    const catalogue = builtInMetrics(this.domain);
    const names = shuffled(random, Object.keys(catalogue)).slice(0, between(random, 1, Object.keys(catalogue).length));
    const metrics: Fields = [];
    const stored: Record<string, number> = {};
    for (const name of names) {
      const [json, value] = metricValue(random, catalogue[name]);
      metrics.push([name, json]);
      stored[name] = value + 0;
    }
    const fields = shuffled<[string, string]>(random, [
      ['ts', tsText(random, ts)],
      ['seq', String(++this.seqCounter)],
      ['metrics', objectText(random, metrics)],
    ]);
    return { fields, stored: { key: `${this.deviceId}@${ts}`, metrics: stored }, depth: 1 };
  }

  /** A reading that is valid but for one thing, and the one reason the hub must give for it. */
  invalid(): BuiltReading {
    const random = this.random;
    const base = this.valid();
    const fields: Fields = base.fields.map(([key, json]) => [key, json]);
    const set = (key: string, json: string) => {
      const field = fields.find(([name]) => name === key);
      if (field) field[1] = json;
    };
    const refuse = (reason: RejectReason, depth = 1): BuiltReading => ({ fields, refusedAs: [reason], depth });
    const catalogue = builtInMetrics(this.domain);
    const metric = Object.keys(JSON.parse(fields.find(([key]) => key === 'metrics')?.[1] ?? '{}') as object)[0];
    const metricsWith = (json: string) => set('metrics', `{"${metric}":${json}}`);
    const spec = catalogue[metric];
    const now = Date.now();
    switch (between(random, 0, 12)) {
      case 0:
        metricsWith(pick(random, ['"7"', 'null', 'true', 'false', '"1e400"']));
        return refuse('VALUE_NOT_NUMBER');
      case 1:
        metricsWith(pick(random, ['{}', '[]', '[7]', '{"v":7}']));
        return refuse('VALUE_NOT_NUMBER', 2);
      case 2:
        metricsWith(pick(random, ['1e400', '-1e400', `1${'0'.repeat(400)}`, `-9${'9'.repeat(399)}`]));
        return refuse('VALUE_NOT_FINITE');
      case 3: {
        const span = spec.range[1] - spec.range[0] + 1;
        metricsWith(pick(random, [String(spec.range[1] + span), String(spec.range[0] - span), `1${'0'.repeat(300)}`]));
        return refuse('VALUE_OUT_OF_RANGE');
      }
      case 4: {
        const foreign = ['__proto__', 'constructor', 'toString', 'reactive_power_kvar', 'PH', ...DOMAIN_METRICS.filter((name) => !(name in catalogue))];
        set('metrics', `{"${metric}":${spec.range[0]},"${pick(random, foreign)}":1}`);
        return refuse('METRIC_UNKNOWN');
      }
      case 5:
        fields.splice(between(random, 0, fields.length), 0, [pick(random, ['unit', '__proto__', 'constructor', 'Ts', 'metric', 'k'.repeat(5000)]), pick(random, ['1', '"kPa"', '{}', 'null'])]);
        return refuse('FIELD_UNKNOWN');
      case 6:
        if (random() < 0.2) fields.splice(fields.findIndex(([key]) => key === 'metrics'), 1);
        else set('metrics', pick(random, ['{}', '[]', 'null', '"x"', '7', '[{"ph":7}]']));
        return refuse('METRICS_MISSING', 2);
      case 7:
        set('ts', pick(random, ['true', 'null', '"yesterday"', '"2025-06-15T12:00:00"', '1.5', '-1', '1e400', '8640000000000001', '9007199254740993', `"${'x'.repeat(5000)}"`, '{}', '[]', '"2024-02-30T00:00:00Z"']));
        return refuse('TS_INVALID');
      case 8:
        if (random() < 0.5) {
          set('ts', String(now + 86_400_000 + between(random, 0, 1000)));
          return refuse('TS_IN_FUTURE');
        }
        set('ts', pick(random, [String(now - 30 * 86_400_000), String(Math.floor(now / 1000)), '0', '"1999-12-31T23:59:59Z"']));
        return refuse('TS_TOO_OLD');
      case 9:
        set('seq', pick(random, ['-1', '1.5', '"3"', '-0', '9007199254740993', '1e400', 'null', 'true', '[]']));
        return refuse('SEQ_INVALID');
      case 10: {
        // Many keys: the first unknown one is named.
        const many = Array.from({ length: between(random, 100, 1500) }, (_, index) => `"m${index}":${index}`).join(',');
        set('metrics', `{${many}}`);
        return refuse('METRIC_UNKNOWN');
      }
      case 11: {
        if (spec.integer !== true) {
          metricsWith(String(spec.range[1] + 0.5));
          return refuse('VALUE_OUT_OF_RANGE');
        }
        metricsWith('2.5');
        return refuse('VALUE_NOT_INTEGER');
      }
      default: {
        // Nested metric value: how deep decides the reason, which the caller works out from `depth`.
        const levels = between(random, 1, 40);
        metricsWith(`${'['.repeat(levels)}7${']'.repeat(levels)}`);
        return { fields, refusedAs: ['VALUE_NOT_NUMBER'], depth: 1 + levels };
      }
    }
  }
}

const DOMAIN_METRICS = MetricCatalogue.BUILT_IN.domains().flatMap((domain) => MetricCatalogue.BUILT_IN.metricNames(domain));

/** The built-in metrics of a domain by name (the fuzzed hub runs with the shipped catalogue). */
function builtInMetrics(domain: string): Readonly<Record<string, MetricSpec>> {
  return Object.fromEntries(MetricCatalogue.BUILT_IN.domain(domain)?.metrics ?? []);
}
