import { type CatalogueSource, type Rejection, validateTelemetry, type ValidationLimits } from '@hub/contract';
import { type DecoderRefusal, decodeBase64, decodeHex, isRefusal, type PayloadDecoder } from '@hub/decoders';
import { decodedPayload } from './decoded-payload';
import type { ProfileSample } from './device-profile';

/** The reading as it would be stored: event time, seq, and the metrics after validation. */
export interface TriedReading {
  readonly ts: number;
  readonly seq?: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** What a payload would become, without storing anything: the decoder's word, then the contract's. */
export interface TryOutcome {
  /** The decoder refused the payload (the reason its dead letter would carry); then nothing else is known. */
  readonly refused: DecoderRefusal | null;
  /** The script's own warnings. */
  readonly warnings: readonly string[];
  /** What the decoder produced, before validation. */
  readonly decoded: readonly { readonly ts?: number; readonly seq?: number; readonly metrics: Readonly<Record<string, number>> }[];
  /** The readings validation would accept. */
  readonly accepted: readonly TriedReading[];
  /** What validation would refuse, each as its dead letter would say. */
  readonly rejections: readonly Rejection[];
}

/** A sample's bytes, or why its text is not the encoding it claims. */
export function sampleBytes(sample: Pick<ProfileSample, 'payload' | 'encoding'>): { bytes: Uint8Array } | { problem: string } {
  if (sample.encoding === 'text') return { bytes: Buffer.from(sample.payload, 'utf8') };
  return sample.encoding === 'hex' ? decodeHex(sample.payload) : decodeBase64(sample.payload);
}

/**
 * Runs one payload through a decoder and then through the contract validation of `domain`, exactly as ingest would
 * (the same decodedPayload, the same validateTelemetry with the live catalogue), and reports every step.
 */
export async function tryDecoder(
  decoder: PayloadDecoder,
  bytes: Uint8Array,
  context: { readonly domain: string; readonly deviceId: string; readonly fPort?: number; readonly now: number },
  limits: ValidationLimits,
  catalogue: CatalogueSource,
): Promise<TryOutcome> {
  const outcome = await decoder.decode({ bytes, receivedAt: new Date(context.now), ...(context.fPort === undefined ? {} : { fPort: context.fPort }) });
  if (isRefusal(outcome)) return { refused: outcome, warnings: [], decoded: [], accepted: [], rejections: [] };
  const payload = decodedPayload(outcome.readings, context.now);
  const result = validateTelemetry({ domain: context.domain, deviceId: context.deviceId }, payload, context.now, limits, catalogue.current());
  return {
    refused: null,
    warnings: outcome.warnings,
    decoded: outcome.readings,
    accepted: result.readings.map((reading) => ({ ts: reading.ts, ...(reading.seq === undefined ? {} : { seq: reading.seq }), metrics: reading.metrics })),
    rejections: result.rejections.map(({ reason, detail, index }) => ({ reason, detail, ...(index === undefined ? {} : { index }) })),
  };
}
