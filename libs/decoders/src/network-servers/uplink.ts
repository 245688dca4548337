import { printable } from '@hub/common';
import { parseTimestamp, type RejectReason } from '@hub/contract';
import { decodeBase64 } from '../payload-encoding';
import { isPlainObject } from '../mapping/mapping-definition';
import { parseJson } from '../mapping/mapping.decoder';

/**
 * An uplink as the hub needs it from any LoRaWAN network server: which device, its frame, when, and how well it was
 * heard. The adapters turn a network server's own event into this, or say why not, and never throw.
 */
export interface Uplink {
  /** 16 lower-case hex digits, whatever case the network server writes. */
  readonly devEui: string;
  /** 0 when the network server left it out: both omit zero values (protobuf JSON mapping). */
  readonly fPort: number;
  readonly fCnt: number;
  /** FRMPayload; empty for a MAC-only frame. */
  readonly bytes: Uint8Array;
  /** What the network server's own codec made of the frame (ChirpStack `object`, TTS `decoded_payload`). */
  readonly preDecoded?: Readonly<Record<string, unknown>>;
  readonly receivedAt: Date;
  /** False when the event carried no time and `receivedAt` is the hub's arrival time. */
  readonly timeFromNetworkServer: boolean;
  /** Best RSSI (dBm) and SNR (dB) over the gateways that heard the frame, and how many did. */
  readonly link?: { readonly rssi: number; readonly snr: number; readonly gateways: number };
}

export const ADAPTER_REFUSAL_REASONS = ['EVENT_NOT_JSON', 'EVENT_MALFORMED'] as const satisfies readonly RejectReason[];

export type AdapterRefusalReason = (typeof ADAPTER_REFUSAL_REASONS)[number];

export type AdaptedEvent =
  | { readonly kind: 'uplink'; readonly uplink: Uplink }
  /** A join, status, ack, txack, log… event: not data, so the hub may ignore it without a dead letter. */
  | { readonly kind: 'not-uplink'; readonly event: string }
  | { readonly kind: 'refused'; readonly reason: AdapterRefusalReason; readonly detail: string };

const DEV_EUI = /^[0-9a-fA-F]{16}$/;
const MAX_F_CNT = 0xffff_ffff;

export function malformed(detail: string): AdaptedEvent {
  return { kind: 'refused', reason: 'EVENT_MALFORMED', detail: printable(detail) };
}

/** The event's JSON object, with the contract's bounds on depth and encoding. */
export function eventObject(payload: Uint8Array): Record<string, unknown> | AdaptedEvent {
  const parsed = parseJson(payload);
  if ('reason' in parsed) return { kind: 'refused', reason: 'EVENT_NOT_JSON', detail: parsed.detail };
  return isPlainObject(parsed.json) ? parsed.json : malformed('the event is not a JSON object');
}

export type Field<T> = { readonly value: T } | { readonly problem: string };

export function devEuiField(value: unknown, name: string): Field<string> {
  return typeof value === 'string' && DEV_EUI.test(value) ? { value: value.toLowerCase() } : { problem: `${name} ${describe(value)} is not 16 hex digits` };
}

/** A whole number in [0, max]; absent means 0, as the protobuf JSON mapping leaves zero values out. */
export function counterField(value: unknown, name: string, max: number): Field<number> {
  if (value === undefined) return { value: 0 };
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max ? { value } : { problem: `${name} ${describe(value)} is not a whole number from 0 to ${max}` };
}

export const F_PORT_MAX = 255;
export const F_CNT_MAX = MAX_F_CNT;

export function payloadField(value: unknown, name: string): Field<Uint8Array> {
  if (value === undefined || value === null) return { value: new Uint8Array(0) };
  if (typeof value !== 'string') return { problem: `${name} ${describe(value)} is not base64` };
  const decoded = decodeBase64(value);
  return 'problem' in decoded ? { problem: `${name}: ${decoded.problem}` } : { value: decoded.bytes };
}

export function timeField(value: unknown, name: string, arrivedAt: Date): Field<{ at: Date; fromNetworkServer: boolean }> {
  if (value === undefined) return { value: { at: arrivedAt, fromNetworkServer: false } };
  const ms = typeof value === 'string' ? parseTimestamp(value) : undefined;
  return ms === undefined ? { problem: `${name} ${describe(value)} is not an ISO 8601 date-time with a zone` } : { value: { at: new Date(ms), fromNetworkServer: true } };
}

export function preDecodedField(value: unknown, name: string): Field<Readonly<Record<string, unknown>> | undefined> {
  if (value === undefined || value === null) return { value: undefined };
  return isPlainObject(value) ? { value } : { problem: `${name} is ${describe(value)}, not an object` };
}

/** Best RSSI and SNR over the receptions that carry an RSSI (an absent SNR is 0 dB); undefined when none does. */
export function linkQuality(receptions: unknown, rssiKey: string, snrKey: string): Uplink['link'] {
  if (!Array.isArray(receptions)) return undefined;
  let rssi = -Infinity;
  let snr = -Infinity;
  let gateways = 0;
  for (const reception of receptions) {
    if (!isPlainObject(reception) || typeof reception[rssiKey] !== 'number') continue;
    // Protobuf's JSON mapping leaves zero values out: a reception without snr was heard at an SNR of 0 dB.
    const heardSnr = reception[snrKey] === undefined ? 0 : reception[snrKey];
    if (typeof heardSnr !== 'number') continue;
    rssi = Math.max(rssi, reception[rssiKey]);
    snr = Math.max(snr, heardSnr);
    gateways++;
  }
  return gateways === 0 ? undefined : { rssi, snr, gateways };
}

export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
