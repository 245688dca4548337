import type jsonata from 'jsonata';
import { Decoded, DecodedReading, DecoderRefusal, refuse } from '../decoder';
import { describeValue } from '../describe-value';
import { parseVendorTime } from '../timestamp-format';
import { convertUnit, roundSignificant, unitMismatch } from '../unit-conversion';
import { CompiledMappingParts, CompiledMetric, describeJsonataError, isPlainObject } from './mapping-definition';

/** More readings than this from one message is a mapping mistake (a records expression that matched every array). */
export const MAX_READINGS_PER_MESSAGE = 1000;

type Evaluated = { readonly value: unknown } | DecoderRefusal;

/**
 * Runs a compiled mapping over a parsed document: one reading per record, each metric's expression evaluated, scaled
 * and converted. A metric whose expression finds nothing is left out (vendors omit fields); a reading with none of
 * its metrics, or a value that is not a finite number, refuses the whole message with the field that caused it.
 */
export async function applyMapping(mapping: CompiledMappingParts, document: unknown, warnings: readonly string[] = []): Promise<Decoded | DecoderRefusal> {
  let records: unknown[] = [document];
  if (mapping.records !== undefined) {
    const found = await evaluate(mapping.records, document, `records ← ${mapping.recordsSource}`);
    if ('reason' in found) return found;
    records = found.value === undefined ? [] : Array.isArray(found.value) ? [...(found.value as unknown[])] : [found.value];
    if (records.length === 0) return refuse('DECODER_OUTPUT_INVALID', `records ← ${mapping.recordsSource} found nothing in the payload`);
    if (records.length > MAX_READINGS_PER_MESSAGE) {
      return refuse('DECODER_OUTPUT_INVALID', `records ← ${mapping.recordsSource} gave ${records.length} records; at most ${MAX_READINGS_PER_MESSAGE}`);
    }
  }
  const readings: DecodedReading[] = [];
  for (let index = 0; index < records.length; index++) {
    const reading = await readRecord(mapping, records[index], records.length > 1 ? `record ${index}: ` : '');
    if ('reason' in reading) return reading;
    readings.push(reading);
  }
  return { readings, warnings };
}

async function readRecord(mapping: CompiledMappingParts, record: unknown, where: string): Promise<DecodedReading | DecoderRefusal> {
  if (!isPlainObject(record)) return refuse('DECODER_OUTPUT_INVALID', `${where}a record must be an object, got ${describeValue(record)}`);
  const metrics: Record<string, number> = {};
  for (const metric of mapping.metrics) {
    const value = await metricValue(metric, record, where);
    if (typeof value === 'object') return value;
    if (value !== undefined) metrics[metric.name] = value;
  }
  if (Object.keys(metrics).length === 0) {
    const looked = mapping.metrics.map((metric) => `${metric.name} ← ${metric.source}`).join(', ');
    return refuse('DECODER_OUTPUT_INVALID', `${where}no mapped metric is in the payload (looked for ${looked})`);
  }

  let ts: number | undefined;
  if (mapping.timestamp !== undefined) {
    const found = await evaluate(mapping.timestamp.expr, record, `${where}ts ← ${mapping.timestamp.source}`);
    if ('reason' in found) return found;
    // No time in this message: the pipeline stamps the receive time, as for a device that sends none.
    if (found.value !== undefined) {
      const time = parseVendorTime(found.value, mapping.timestamp.format, mapping.timestamp.zone);
      if ('problem' in time) return refuse('DECODER_OUTPUT_INVALID', `${where}ts ← ${mapping.timestamp.source}: ${time.problem}`);
      ts = time.ms;
    }
  }
  let seq: number | undefined;
  if (mapping.seq !== undefined) {
    const found = await evaluate(mapping.seq.expr, record, `${where}seq ← ${mapping.seq.source}`);
    if ('reason' in found) return found;
    if (found.value !== undefined) {
      if (typeof found.value !== 'number') return refuse('DECODER_OUTPUT_INVALID', `${where}seq ← ${mapping.seq.source} gave ${describeValue(found.value)}, not a number`);
      seq = found.value;
    }
  }
  return { ...(ts === undefined ? {} : { ts }), ...(seq === undefined ? {} : { seq }), metrics };
}

async function metricValue(metric: CompiledMetric, record: Record<string, unknown>, where: string): Promise<number | undefined | DecoderRefusal> {
  const label = `${where}${metric.name} ← ${metric.source}`;
  const found = await evaluate(metric.expr, record, label);
  if ('reason' in found) return found;
  const raw = found.value;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return refuse('DECODER_OUTPUT_INVALID', `${label} gave ${describeValue(raw)}, not a finite number`);
  let value = metric.scale === 1 && metric.offset === 0 ? raw : roundSignificant(raw * metric.scale + metric.offset);
  if (metric.unit !== undefined) {
    let from = metric.unit.from;
    if (metric.unit.fromExpr !== undefined) {
      const unit = await evaluate(metric.unit.fromExpr, record, `${where}${metric.name} unit ← ${metric.unit.fromSource}`);
      if ('reason' in unit) return unit;
      if (typeof unit.value !== 'string') {
        return refuse('DECODER_OUTPUT_INVALID', `${where}${metric.name} unit ← ${metric.unit.fromSource} gave ${describeValue(unit.value)}, not a unit`);
      }
      from = unit.value;
    }
    const problem = unitMismatch(from!, metric.unit.to);
    if (problem !== undefined) return refuse('DECODER_OUTPUT_INVALID', `${where}${metric.name}: ${problem}`);
    value = convertUnit(value, from!, metric.unit.to);
  }
  return value;
}

/**
 * JSONata's time limit is wall-clock, and its evaluation is asynchronous: other work of the process (other decodes,
 * a garbage collection) between its steps counts against it. A timeout is therefore tried once more before the
 * message is refused: an expression that really runs away times out again, one that was merely kept waiting does not.
 */
async function evaluate(expression: jsonata.Expression, input: unknown, label: string): Promise<Evaluated> {
  let failure = await attempt(expression, input);
  if ('error' in failure && failure.code === 'D1012') failure = await attempt(expression, input);
  if (!('error' in failure)) return failure;
  // D1012 is jsonata's own timeout guardrail; D1011 its stack-depth one (a runaway recursive lambda).
  return refuse(failure.code === 'D1012' ? 'DECODER_TIMEOUT' : 'DECODER_ERROR', `${label}: ${describeJsonataError(failure.error)}`);
}

async function attempt(expression: jsonata.Expression, input: unknown): Promise<{ value: unknown } | { error: unknown; code: unknown }> {
  try {
    return { value: unwrapSequence(await expression.evaluate(input)) };
  } catch (error) {
    return { error, code: typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined };
  }
}

/** JSONata returns its result sequences as arrays with extra flags; a plain copy keeps them out of the readings. */
function unwrapSequence(value: unknown): unknown {
  return Array.isArray(value) ? [...(value as unknown[])] : value;
}
