import type { RejectReason } from '@hub/contract';

/**
 * One interface for every decoder kind: a vendor's payload in, readings in the contract's own payload shape out
 * (`{ ts?, seq?, metrics }`, what validateTelemetry accepts), or a refusal that says why. A decoder never throws for
 * anything a device, a vendor payload or a pasted script does; the pipeline validates what comes out unchanged, so a
 * decoder cannot smuggle an out-of-range value or an unknown metric past the catalogue.
 */
export interface DecoderInput {
  /** The raw payload: a LoRaWAN FRMPayload, an HTTP body, an MQTT payload. */
  readonly bytes: Uint8Array;
  /** The payload as text, when the transport already has it (an NB-IoT platform's hex string, a JSON body). */
  readonly text?: string;
  /** The payload already parsed, when the transport did it (a network server's own decoded object). */
  readonly json?: unknown;
  /** LoRaWAN frame port; codecs often switch on it. */
  readonly fPort?: number;
  /** When the hub (or the network server) received the message: the codec's `recvTime`. */
  readonly receivedAt: Date;
  /** Per-device values a ChirpStack codec reads as `input.variables` (calibration offsets, meter serials). */
  readonly variables?: Readonly<Record<string, string>>;
}

/** One reading in the contract's payload shape: ts in epoch ms, seq, metric name → number. */
export interface DecodedReading {
  readonly ts?: number;
  readonly seq?: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface Decoded {
  readonly readings: readonly DecodedReading[];
  /** A script's own `warnings`; the message is still decoded. */
  readonly warnings: readonly string[];
}

/** Why a decoder refuses a payload: reject reasons of the contract, so dead letters and counters need no second vocabulary. */
export const DECODER_REFUSAL_REASONS = ['MALFORMED_JSON', 'PAYLOAD_ENCODING_INVALID', 'DECODER_ERROR', 'DECODER_TIMEOUT', 'DECODER_MEMORY_LIMIT', 'DECODER_OUTPUT_INVALID'] as const satisfies readonly RejectReason[];

export type DecoderRefusalReason = (typeof DECODER_REFUSAL_REASONS)[number];

export interface DecoderRefusal {
  readonly reason: DecoderRefusalReason;
  readonly detail: string;
}

export type DecodeOutcome = Decoded | DecoderRefusal;

/** A command for a LoRaWAN device, as its codec's encodeDownlink(input) gets it: `input.data`, `input.variables`. */
export interface DownlinkInput {
  readonly data: Readonly<Record<string, unknown>>;
  readonly variables?: Readonly<Record<string, string>>;
}

/** The frame encodeDownlink made: its bytes and port. */
export interface EncodedDownlink {
  readonly bytes: Uint8Array;
  readonly fPort: number;
  readonly warnings: readonly string[];
}

export interface PayloadDecoder {
  decode(input: DecoderInput): Promise<DecodeOutcome>;
  /** A script codec with encodeDownlink: a command as a LoRaWAN frame. Absent for decoders that cannot encode. */
  encode?(input: DownlinkInput): Promise<EncodedDownlink | DecoderRefusal>;
  /** Frees what the decoder holds (a script's sandbox); decode() after it builds the sandbox again. */
  dispose(): void;
}

export function isRefusal(outcome: DecodeOutcome): outcome is DecoderRefusal {
  return 'reason' in outcome;
}

export function refuse(reason: DecoderRefusalReason, detail: string): DecoderRefusal {
  return { reason, detail };
}
