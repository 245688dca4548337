import type { Random } from '@hub/common';
import { Domain, isDomainName, RejectReason } from '@hub/contract';
import { between, BuiltReading, ExpectedReading, objectText, pick, ReadingFactory } from './fuzz-readings';

/**
 * MQTT messages for the fuzz test: valid readings, batches, resends, and hostile variants of them (truncated, bytes
 * replaced, brackets and quotes inserted or removed, types swapped, huge numbers, deep nesting, duplicate keys, a BOM,
 * random bytes, wrong topics). Each carries what the hub must do with it, known from how it was built.
 */

export interface ExpectedDeadLetter {
  /** The reasons the dead letter may have (usually exactly one). */
  readonly reasons: readonly RejectReason[];
  /** Its position in a batch; null for a whole-message refusal. */
  readonly batchIndex: number | null;
}

export interface FuzzMessage {
  readonly kind: string;
  readonly topic: string;
  readonly payload: Buffer;
  /** Readings that must be in InfluxDB afterwards. */
  readonly stored: readonly ExpectedReading[];
  /** Readings the hub must count as resends (and store nothing for). */
  readonly duplicates: number;
  /** Dead letters the message must leave, in order. */
  readonly deadLetters: readonly ExpectedDeadLetter[];
}

export interface FuzzLimits {
  readonly maxPayloadBytes: number;
  readonly maxBatchReadings: number;
  readonly maxDepth: number;
}

// Bytes that break any ASCII JSON text wherever they land: C0 controls other than JSON whitespace, and every byte
// ≥ 0x80 (invalid UTF-8 next to ASCII). DEL is left out: inside a string it is legal JSON.
const BREAKING_BYTES = [...Array.from({ length: 32 }, (_, byte) => byte).filter((byte) => ![0x09, 0x0a, 0x0d].includes(byte)), ...Array.from({ length: 128 }, (_, byte) => 0x80 + byte)];
const STRUCTURAL = ['{', '}', '[', ']', '"'];
const WHITESPACE_OR_OPENING = new Set([0x20, 0x09, 0x0a, 0x0d, 0x7b, 0x5b]);

const whole = (...reasons: RejectReason[]): ExpectedDeadLetter => ({ reasons, batchIndex: null });


export class FuzzDevice {
  private readonly readings: ReadingFactory;
  /** Valid readings whose seq the hub has remembered so far (its resend memory keeps the last 128 per device). */
  private remembered = 0;
  private readonly resendable: Array<{ message: FuzzMessage; rememberedAfter: number }> = [];

  constructor(
    readonly domain: Domain,
    readonly deviceId: string,
    private readonly random: Random,
    tsBase: number,
    private readonly limits: FuzzLimits,
  ) {
    this.readings = new ReadingFactory(domain, deviceId, random, tsBase);
  }

  get topic(): string {
    return `sensors/${this.domain}/${this.deviceId}/telemetry`;
  }

  next(): FuzzMessage {
    const roll = this.random();
    const message = this.build(roll);
    // The size limit comes before everything but the topic.
    if (message.payload.length > this.limits.maxPayloadBytes && message.topic === this.topic) {
      return { ...message, kind: `${message.kind} (oversize)`, stored: [], duplicates: 0, deadLetters: [whole('PAYLOAD_TOO_LARGE')] };
    }
    this.remembered += message.stored.length;
    if (message.stored.length > 0 && message.deadLetters.length === 0 && message.duplicates === 0) this.resendable.push({ message, rememberedAfter: this.remembered });
    return message;
  }

  private build(roll: number): FuzzMessage {
    if (roll < 0.22) return this.single('valid', this.readings.valid());
    if (roll < 0.29) return this.batch('valid batch', () => this.readings.valid());
    if (roll < 0.37) return this.batch('mixed batch', () => (this.random() < 0.5 ? this.readings.valid() : this.entryNotObject() ?? this.readings.invalid()));
    if (roll < 0.55) return this.single('invalid reading', this.readings.invalid());
    if (roll < 0.57) return this.raw('not an object', pick(this.random, ['7', '"x"', 'null', 'true', '-0', '1e400', '"{\\"metrics\\":{}}"']), whole('READING_NOT_OBJECT'));
    if (roll < 0.62) return this.resend() ?? this.single('valid', this.readings.valid());
    if (roll < 0.67) return this.truncated();
    if (roll < 0.72) return this.breakingByte();
    if (roll < 0.77) return this.structural();
    if (roll < 0.81) return this.deep();
    if (roll < 0.84) return this.duplicateKey();
    if (roll < 0.85) return this.raw('byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), this.validText(false)]), whole('MALFORMED_JSON'));
    if (roll < 0.86) return this.raw('empty', pick(this.random, ['', ' ', '\n\t \r\n']), whole('MALFORMED_JSON'));
    if (roll < 0.89) return this.randomBytes();
    if (roll < 0.9) return this.oversize();
    if (roll < 0.92) return this.batchLimits();
    if (roll < 0.98) return this.wrongTopic();
    return this.statusJunk();
  }

  private raw(kind: string, payload: string | Buffer, ...deadLetters: ExpectedDeadLetter[]): FuzzMessage {
    return { kind, topic: this.topic, payload: Buffer.from(payload), stored: [], duplicates: 0, deadLetters };
  }

  private single(kind: string, reading: BuiltReading): FuzzMessage {
    const payload = objectText(this.random, reading.fields);
    if (reading.stored) return { kind, topic: this.topic, payload: Buffer.from(payload), stored: [reading.stored], duplicates: 0, deadLetters: [] };
    // The reading object is level 1.
    if (1 + reading.depth > this.limits.maxDepth) return this.raw(`${kind} (too deep)`, payload, whole('NESTING_TOO_DEEP'));
    return this.raw(kind, payload, whole(...(reading.refusedAs ?? [])));
  }

  private batch(kind: string, entry: () => BuiltReading | string): FuzzMessage {
    const entries = Array.from({ length: between(this.random, 1, Math.min(6, this.limits.maxBatchReadings)) }, entry);
    const payload = `[${entries.map((item) => (typeof item === 'string' ? item : objectText(this.random, item.fields))).join(',')}]`;
    // The array is level 1, each reading level 2.
    if (entries.some((item) => typeof item !== 'string' && 2 + item.depth > this.limits.maxDepth)) return this.raw(`${kind} (too deep)`, payload, whole('NESTING_TOO_DEEP'));
    const stored: ExpectedReading[] = [];
    const deadLetters: ExpectedDeadLetter[] = [];
    entries.forEach((item, index) => {
      if (typeof item === 'string') deadLetters.push({ reasons: ['READING_NOT_OBJECT'], batchIndex: index });
      else if (item.stored) stored.push(item.stored);
      else deadLetters.push({ reasons: item.refusedAs ?? [], batchIndex: index });
    });
    return { kind, topic: this.topic, payload: Buffer.from(payload), stored, duplicates: 0, deadLetters };
  }

  private entryNotObject(): string | undefined {
    return this.random() < 0.15 ? pick(this.random, ['7', '"x"', 'null', 'true', '[]', '[{"metrics":{"ph":7}}]']) : undefined;
  }

  /** A fully valid message sent again: its readings carry their seq, so the hub counts them as resends. */
  private resend(): FuzzMessage | undefined {
    const candidates = this.resendable.filter((entry) => this.remembered - entry.rememberedAfter + entry.message.stored.length <= 100);
    if (candidates.length === 0) return undefined;
    const { message } = pick(this.random, candidates.slice(-10));
    return { kind: 'resend', topic: message.topic, payload: message.payload, stored: [], duplicates: message.stored.length, deadLetters: [] };
  }

  /** The text of a valid reading or batch that is then broken (its readings are never stored). */
  private validText(batch: boolean): Buffer {
    if (!batch) return Buffer.from(objectText(this.random, this.readings.valid().fields));
    const count = between(this.random, 1, Math.min(4, this.limits.maxBatchReadings));
    return Buffer.from(`[${Array.from({ length: count }, () => objectText(this.random, this.readings.valid().fields)).join(',')}]`);
  }

  /** A strict prefix of an object or array text (no trailing whitespace) is never complete JSON. */
  private truncated(): FuzzMessage {
    const text = this.validText(this.random() < 0.3);
    return this.raw('truncated', text.subarray(0, between(this.random, 0, text.length - 1)), whole('MALFORMED_JSON'));
  }

  private breakingByte(): FuzzMessage {
    const text = this.validText(this.random() < 0.3);
    const at = between(this.random, 0, text.length - 1);
    const byte = Buffer.from([pick(this.random, BREAKING_BYTES)]);
    const replace = this.random() < 0.5;
    const payload = Buffer.concat([text.subarray(0, at), byte, text.subarray(replace ? at + 1 : at)]);
    return this.raw(replace ? 'byte replaced' : 'byte inserted', payload, whole('MALFORMED_JSON'));
  }

  /**
   * One bracket or quote inserted or removed. Outside strings that unbalances the text (MALFORMED_JSON); a quote
   * anywhere leaves an odd number of them; a bracket inside a string renames a key or spoils an ISO ts, which refuses
   * the reading (for a batch only positions outside strings are used, so the whole message fails the same way).
   */
  private structural(): FuzzMessage {
    const isBatch = this.random() < 0.3;
    const text = this.validText(isBatch).toString('latin1');
    const insideString = (at: number) => (text.slice(0, at).match(/"/g)?.length ?? 0) % 2 === 1;
    if (this.random() < 0.4) {
      const positions = [...text].flatMap((char, index) => (STRUCTURAL.includes(char) ? [index] : []));
      const at = pick(this.random, positions);
      return this.raw('structural character removed', text.slice(0, at) + text.slice(at + 1), whole('MALFORMED_JSON'));
    }
    const char = pick(this.random, STRUCTURAL);
    let at = between(this.random, 0, text.length);
    if (isBatch) while (insideString(at)) at = between(this.random, 0, text.length);
    const payload = text.slice(0, at) + char + text.slice(at);
    const renamed = char !== '"' && insideString(at);
    return this.raw('structural character inserted', payload, renamed ? whole('FIELD_UNKNOWN', 'METRIC_UNKNOWN', 'TS_INVALID') : whole('MALFORMED_JSON'));
  }

  private deep(): FuzzMessage {
    const reading = this.validText(false).toString();
    const levels = between(this.random, this.limits.maxDepth - 1, 30_000);
    return this.raw(`nested ${levels} deep`, `${'['.repeat(levels)}${reading}${']'.repeat(levels)}`, whole('NESTING_TOO_DEEP'));
  }

  private duplicateKey(): FuzzMessage {
    const { fields } = this.readings.valid();
    if (this.random() < 0.5) {
      const [key, json] = pick(this.random, fields);
      fields.splice(between(this.random, 0, fields.length), 0, [key, key === 'metrics' ? json : pick(this.random, [json, '1'])]);
    } else {
      const metrics = fields.find(([key]) => key === 'metrics');
      if (metrics) {
        const name = Object.keys(JSON.parse(metrics[1]) as object)[0];
        metrics[1] = metrics[1].replace(/\s*}$/, `,"${name}":1}`);
      }
    }
    const text = objectText(this.random, fields);
    const payload = this.random() < 0.3 ? `[${this.validText(false).toString()},${text}]` : text;
    return this.raw('duplicate key', payload, whole('DUPLICATE_KEY'));
  }

  /** Anything not starting with a bracket is no reading, whatever follows (a stray 33 brackets later: too deep). */
  private randomBytes(): FuzzMessage {
    const bytes = Buffer.from(Array.from({ length: between(this.random, 1, 2000) }, () => between(this.random, 0, 255)));
    while (WHITESPACE_OR_OPENING.has(bytes[0])) bytes[0] = between(this.random, 0, 255);
    return this.raw('random bytes', bytes, whole('MALFORMED_JSON', 'READING_NOT_OBJECT', 'NESTING_TOO_DEEP'));
  }

  private oversize(): FuzzMessage {
    const size = this.limits.maxPayloadBytes + between(this.random, 1, this.limits.maxPayloadBytes / 2);
    const head = '{"metrics":{"ph":7},"pad":"';
    return this.raw('oversize', `${head}${'x'.repeat(size - head.length - 2)}"}`, whole('PAYLOAD_TOO_LARGE'));
  }

  private batchLimits(): FuzzMessage {
    if (this.random() < 0.4) return this.raw('empty batch', pick(this.random, ['[]', '[ ]', '[\n]']), whole('BATCH_EMPTY'));
    const count = this.limits.maxBatchReadings + between(this.random, 1, 10);
    const entries = Array.from({ length: count }, () => objectText(this.random, this.readings.valid().fields));
    return this.raw('batch too large', `[${entries.join(',')}]`, whole('BATCH_TOO_LARGE'));
  }

  private wrongTopic(): FuzzMessage {
    const { domain, deviceId } = this;
    // [topic, reason]: what a device may get wrong, and what tries to smuggle delimiters into a device id.
    const topics: Array<[string, RejectReason]> = [
      [`sensors/${domain}/${deviceId}`, 'TOPIC_INVALID'],
      [`sensors/${domain}/${deviceId}/telemetry/extra`, 'TOPIC_INVALID'],
      [`sensors/${domain}/${deviceId}/telemetry/`, 'TOPIC_INVALID'],
      [`/sensors/${domain}/${deviceId}/telemetry`, 'TOPIC_INVALID'],
      [`Sensors/${domain}/${deviceId}/telemetry`, 'TOPIC_INVALID'],
      [`sensors/${domain}/${deviceId}/Telemetry`, 'TOPIC_INVALID'],
      [`sensors/sewage/${deviceId}/telemetry`, 'DOMAIN_UNKNOWN'],
      [`sensors/${domain.toUpperCase()}/${deviceId}/telemetry`, 'DOMAIN_UNKNOWN'],
      [`sensors//${deviceId}/telemetry`, 'DOMAIN_UNKNOWN'],
      [`sensors/${domain}/${deviceId},evil=1/telemetry`, 'DEVICE_ID_INVALID'],
      [`sensors/${domain}/${deviceId} ph=14/telemetry`, 'DEVICE_ID_INVALID'],
      [`sensors/${domain}/${deviceId}\\/telemetry`, 'DEVICE_ID_INVALID'],
      [`sensors/${domain}/${deviceId}"/telemetry`, 'DEVICE_ID_INVALID'],
      [`sensors/${domain}/${deviceId}\nwater ph=14/telemetry`, 'DEVICE_ID_INVALID'],
      [`sensors/${domain}/dév-1/telemetry`, 'DEVICE_ID_INVALID'],
      [`sensors/${domain}//telemetry`, 'DEVICE_ID_INVALID'],
      [`sensors/${domain}/${'x'.repeat(between(this.random, 65, 5000))}/telemetry`, 'DEVICE_ID_INVALID'],
    ];
    // The device ACL sees these before the topic parser: a device may publish only on its own topics, so each is
    // TOPIC_FORBIDDEN — except a well-formed domain the catalogue does not hold, which is DOMAIN_UNKNOWN whoever sends
    // it (the parser's own reasons are unit-tested in libs/contract).
    const [topic, parsed] = pick(this.random, topics);
    const reason = parsed === 'DOMAIN_UNKNOWN' && isDomainName(topic.split('/')[1]) ? 'DOMAIN_UNKNOWN' : 'TOPIC_FORBIDDEN';
    return { kind: 'wrong topic', topic, payload: this.validText(false), stored: [], duplicates: 0, deadLetters: [whole(reason)] };
  }

  private statusJunk(): FuzzMessage {
    const payload = pick(this.random, [this.validText(false), Buffer.from('onl1ne'), Buffer.from(''), Buffer.from([0xff, 0xfe]), Buffer.from('offline now')]);
    return { kind: 'status junk', topic: `sensors/${this.domain}/${this.deviceId}/status`, payload, stored: [], duplicates: 0, deadLetters: [whole('STATUS_INVALID')] };
  }
}
