import type { DecoderDefinition } from '@hub/decoders';

/** How a sample payload is written down: as it arrives (text, e.g. a vendor's JSON), or its bytes as hex or base64. */
export const SAMPLE_ENCODINGS = ['text', 'hex', 'base64'] as const;
export type SampleEncoding = (typeof SAMPLE_ENCODINGS)[number];

/** A vendor's payload kept beside the profile: what the "try it" box starts from, and a record of what the meter sends. */
export interface ProfileSample {
  readonly name: string;
  readonly payload: string;
  readonly encoding: SampleEncoding;
  /** LoRaWAN frame port, for codecs that switch on it. */
  readonly fPort?: number;
}

/**
 * How the payloads of a kind of meter become readings: the domain they belong to, the decoder (a JSONata mapping
 * or a sandboxed ChirpStack/TTN-style codec) and, for LoRaWAN, whether to decode the network server's own decoded
 * object instead of the frame's bytes. A device without a profile speaks the hub's own JSON contract.
 */
export interface DeviceProfile {
  /** Lower-case letters, digits and dashes (the registry's profileId). */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly domain: string;
  readonly decoder: DecoderDefinition;
  /** LoRaWAN: decode ChirpStack's `object` / TTS's `decoded_payload` (the network server ran the codec) instead of the bytes. */
  readonly networkServerObject: boolean;
  readonly samples: readonly ProfileSample[];
  /** 1 when created, +1 on each change: tells a cached decoder from the current one, and shows in the audit log. */
  readonly version: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
}
