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

export const DECODER_REFUSALS = {
  PAYLOAD_NOT_JSON: 'The decoder reads JSON and the payload is not valid UTF-8 JSON, or nests deeper than 32 levels',
  PAYLOAD_ENCODING_INVALID: 'The payload is not the hex or base64 text its profile says it is',
  DECODER_FAILED: 'The decoder threw, or the script returned errors: the script\'s own message is in the detail',
  DECODER_TIMEOUT: 'The decoder ran past its time limit (an endless loop, a catastrophic regular expression)',
  DECODER_MEMORY_LIMIT: 'The script used more memory than its sandbox has',
  DECODER_OUTPUT_INVALID:
    'The decoder\'s output is not readings: not an object, too large, a value that is not a finite number, an unknown unit, a bad ts or seq, or no metric at all',
} as const;

export type DecoderRefusalReason = keyof typeof DECODER_REFUSALS;

export interface DecoderRefusal {
  readonly reason: DecoderRefusalReason;
  readonly detail: string;
}

export type DecodeOutcome = Decoded | DecoderRefusal;

export interface PayloadDecoder {
  decode(input: DecoderInput): Promise<DecodeOutcome>;
  /** Frees what the decoder holds (a script's sandbox); decode() after it builds the sandbox again. */
  dispose(): void;
}

export function isRefusal(outcome: DecodeOutcome): outcome is DecoderRefusal {
  return 'reason' in outcome;
}

export function refuse(reason: DecoderRefusalReason, detail: string): DecoderRefusal {
  return { reason, detail };
}
