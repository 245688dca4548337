import { generate } from 'mqtt-packet';
import { SEQ_DIGITS, TS_DIGITS } from './bench-fleet';

/**
 * MQTT 3.1.1 bytes for the load generator: packets are generated once with mqtt-packet, then copied and patched
 * (packet id, ts, seq) per message, and the few packets a publisher receives are read by a small scanner. This keeps
 * the generator far cheaper than one MQTT.js client per device, so the CPU goes to what is measured.
 */
export const CONNACK = 2;
export const PUBACK = 4;
export const PINGRESP = 13;

export interface PublishTemplate {
  readonly bytes: Buffer;
  readonly messageIdOffset: number;
  /** Where each reading's ts and seq placeholders start, in payload order. */
  readonly tsOffsets: readonly number[];
  readonly seqOffsets: readonly number[];
}

/** With a password, the username is the client id (a device logs in as itself). */
export function connectPacket(clientId: string, keepaliveS: number, password?: string): Buffer {
  const login = password === undefined ? {} : { username: clientId, password: Buffer.from(password) };
  return generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: keepaliveS, ...login });
}

export function disconnectPacket(): Buffer {
  return generate({ cmd: 'disconnect' });
}

/** A QoS 1 PUBLISH whose payload comes from payloadTemplate or messageTemplate (ts and seq as zero placeholders). */
export function publishTemplate(topic: string, payload: string): PublishTemplate {
  const body = Buffer.from(payload);
  const bytes = generate({ cmd: 'publish', topic, payload: body, qos: 1, messageId: 1, dup: false, retain: false });
  const payloadOffset = bytes.length - body.length;
  // The payload is ASCII (names and numbers), so string offsets are byte offsets.
  const offsetsOf = (key: string): number[] => [...payload.matchAll(new RegExp(`"${key}":`, 'g'))].map((match) => payloadOffset + (match.index as number) + key.length + 3);
  return {
    bytes,
    // [MQTT-3.3.2] the packet identifier sits right after the topic name, just before the payload.
    messageIdOffset: payloadOffset - 2,
    tsOffsets: offsetsOf('ts'),
    seqOffsets: offsetsOf('seq'),
  };
}

/**
 * Copies a template into `target` at `at` and patches it: reading k of the message gets ts + k and seq + k. Returns
 * the offset after it.
 */
export function writePublish(target: Buffer, at: number, template: PublishTemplate, messageId: number, ts: number, seq: number): number {
  template.bytes.copy(target, at);
  target.writeUInt16BE(messageId, at + template.messageIdOffset);
  for (let k = 0; k < template.tsOffsets.length; k++) {
    writeDigits(target, at + template.tsOffsets[k], ts + k, TS_DIGITS);
    writeDigits(target, at + template.seqOffsets[k], seq + k, SEQ_DIGITS);
  }
  return at + template.bytes.length;
}

function writeDigits(target: Buffer, at: number, value: number, width: number): void {
  let rest = value;
  for (let position = at + width - 1; position >= at; position--) {
    target[position] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
}

/**
 * Splits what the broker sends into packets and reports (type, word) for each: the packet id of a PUBACK, the return
 * code of a CONNACK. Only what a publish-only client can receive is expected; anything else is reported as is.
 */
export class InboundScanner {
  private pending: Buffer | null = null;

  constructor(private readonly onPacket: (type: number, word: number) => void) {}

  push(chunk: Buffer): void {
    const data = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    let at = 0;
    for (;;) {
      if (data.length - at < 2) break;
      let length = 0;
      let multiplier = 1;
      let cursor = at + 1;
      let complete = false;
      // [MQTT-2.2.3] remaining length: up to four bytes, seven bits each, high bit = more follows.
      while (cursor < data.length && cursor < at + 5) {
        const byte = data[cursor++];
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || data.length - cursor < length) break;
      const type = data[at] >> 4;
      const word = type === PUBACK && length >= 2 ? data.readUInt16BE(cursor) : type === CONNACK && length >= 2 ? data[cursor + 1] : 0;
      at = cursor + length;
      this.onPacket(type, word);
    }
    this.pending = at < data.length ? data.subarray(at) : null;
  }
}
