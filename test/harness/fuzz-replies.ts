import type { Random } from '@hub/common';
import type { Domain, RejectReason } from '@hub/contract';
import { between, pick } from './fuzz-readings';

/** One message a device sends back to the hub on commands/reply or config/reported, and what must become of it. */
export interface FuzzReport {
  readonly kind: string;
  readonly topic: string;
  readonly payload: Buffer;
  /** The dead letter it must become, or null when the hub takes it (a JSON object reported as config). */
  readonly deadLetter: RejectReason | null;
}

const BAD_REPLIES: readonly unknown[] = [
  {},
  { id: 'c-1' },
  { ok: true },
  { id: 7, ok: true },
  { id: '', ok: true },
  { id: 'a b', ok: true },
  { id: 'c-1', ok: 'true' },
  { id: 'c-1', ok: true, status: 'succeeded' },
  { id: 'c-1', status: 'done' },
  { id: 'c-1', ok: false },
  { id: 'c-1', ok: false, error: '' },
  { id: 'c-1', ok: false, error: 42 },
  { id: 'c-1', ok: false, error: 'x', result: 1 },
  { id: 'c-1', ok: true, error: 'x' },
  { id: 'c-1', ok: true, extra: 1 },
  { id: 'x'.repeat(65), ok: true },
  [{ id: 'c-1', ok: true }],
  'ok',
  null,
  1,
];

/**
 * Replies and config reports a broken or hostile device might send: random bytes, cut-off JSON, every wrong shape,
 * oversize, and well-formed replies naming commands the hub never sent. Seeded, so a failure replays.
 */
export class FuzzReportSource {
  constructor(
    private readonly domain: Domain,
    private readonly deviceId: string,
    private readonly random: Random,
  ) {}

  next(): FuzzReport {
    const roll = this.random();
    const reply = `sensors/${this.domain}/${this.deviceId}/commands/reply`;
    const reported = `sensors/${this.domain}/${this.deviceId}/config/reported`;
    const invalid = (kind: string, payload: string | Buffer): FuzzReport => ({ kind, topic: reply, payload: Buffer.from(payload), deadLetter: 'COMMAND_REPLY_INVALID' });
    if (roll < 0.2) return invalid('random bytes', this.bytes());
    if (roll < 0.35) {
      const text = JSON.stringify({ id: this.id(), ok: true, result: { intervalS: between(this.random, 1, 3600) } });
      return invalid('cut-off reply', text.slice(0, between(this.random, 0, text.length - 1)));
    }
    if (roll < 0.55) return invalid('wrong shape', JSON.stringify(pick(this.random, BAD_REPLIES)));
    if (roll < 0.6) return invalid('oversize reply', JSON.stringify({ id: this.id(), ok: true, result: 'x'.repeat(between(this.random, 16_400, 40_000)) }));
    if (roll < 0.75) {
      const payload = this.random() < 0.5 ? { id: this.id(), ok: true, result: between(this.random, 0, 99) } : { id: this.id(), ok: false, error: 'no such thing' };
      return { kind: 'reply to no command', topic: reply, payload: Buffer.from(JSON.stringify(payload)), deadLetter: 'COMMAND_UNKNOWN' };
    }
    if (roll < 0.9) {
      const payload = pick(this.random, [this.bytes(), Buffer.from('[]'), Buffer.from('null'), Buffer.from('"x"'), Buffer.from('{"intervalS":'), Buffer.from('')]);
      return { kind: 'config not an object', topic: reported, payload, deadLetter: 'CONFIG_REPORT_INVALID' };
    }
    return { kind: 'config reported', topic: reported, payload: Buffer.from(JSON.stringify({ intervalS: between(this.random, 1, 3600) })), deadLetter: null };
  }

  /** Random bytes that cannot be a JSON object (the first byte is never `{` or whitespace). */
  private bytes(): Buffer {
    const bytes = Buffer.from(Array.from({ length: between(this.random, 1, 200) }, () => between(this.random, 0, 255)));
    if (bytes[0] === 0x7b || bytes[0] <= 0x20) bytes[0] = 0x21;
    return bytes;
  }

  /** A command id of the right form that the hub never issued (its ids are UUIDs). */
  private id(): string {
    return `fz${between(this.random, 0, 1e9)}`;
  }
}
