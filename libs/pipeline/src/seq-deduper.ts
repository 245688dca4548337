import { Reading } from '@hub/contract';

/** At most this many (seq, ts) pairs are remembered per device. */
const MAX_REMEMBERED = 128;
/** A device's first ring: most devices report every few seconds or less often, so few pairs fall in the window. */
const FIRST_CAPACITY = 4;
/** Per remembered reading: seq, the device's ts (NaN when it sent none), when it was seen. */
const SEQ = 0;
const TS = 1;
const SEEN_AT = 2;
const FIELDS = 3;

/**
 * One device's recent (seq, ts) pairs in a ring that grows (up to MAX_REMEMBERED) only while the pair it would
 * overwrite is still inside the window: a device reporting every 10 s keeps 64 slots for a 10-minute window, not
 * 128. One typed array per device: at 10,000 devices the former three fixed 128-slot arrays took 30 MB.
 */
class SeqRing {
  /** Highest seq seen: a larger one is new without a scan (the common case of a counting device). */
  highest = -1;
  slots = new Float64Array(FIRST_CAPACITY * FIELDS);
  size = 0;
  next = 0;

  get capacity(): number {
    return this.slots.length / FIELDS;
  }

  remember(seq: number, ts: number, now: number, oldest: number): void {
    if (this.size === this.capacity) {
      if (this.slots[this.next * FIELDS + SEEN_AT] >= oldest && this.capacity < MAX_REMEMBERED) this.grow();
      else this.size--;
    }
    const at = this.next * FIELDS;
    this.slots[at + SEQ] = seq;
    this.slots[at + TS] = ts;
    this.slots[at + SEEN_AT] = now;
    this.next = (this.next + 1) % this.capacity;
    this.size++;
  }

  /** Oldest first into a ring twice the size. */
  private grow(): void {
    const slots = new Float64Array(this.slots.length * 2);
    const split = this.next * FIELDS;
    slots.set(this.slots.subarray(split), 0);
    slots.set(this.slots.subarray(0, split), this.slots.length - split);
    this.next = this.size;
    this.slots = slots;
  }
}

/**
 * Drops exact resends: a reading whose device already sent the same seq (and the same ts, when it sends one)
 * within the window. A QoS 1 message resent after a lost PUBACK would otherwise, without a ts, be stored twice at
 * two receive times. Requiring the ts to match too means a device that restarts its seq at 0 loses nothing.
 * Kept in memory: after a restart of the service a resend is stored again (harmless when it carries a ts).
 */
export class SeqDeduper {
  private readonly rings = new Map<string, SeqRing>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the reading is a resend; otherwise remembers it and returns false. Readings without seq pass. */
  isResend(reading: Reading): boolean {
    if (reading.seq === undefined || this.windowMs === 0) return false;
    const now = this.now();
    const oldest = now - this.windowMs;
    const ts = reading.tsFromDevice ? reading.ts : NaN;
    let ring = this.rings.get(reading.deviceId);
    if (ring === undefined) {
      ring = new SeqRing();
      this.rings.set(reading.deviceId, ring);
    } else if (reading.seq <= ring.highest) {
      const slots = ring.slots;
      for (let at = 0; at < ring.size * FIELDS; at += FIELDS) {
        if (slots[at + SEQ] === reading.seq && slots[at + SEEN_AT] >= oldest && sameTs(slots[at + TS], ts)) return true;
      }
    }
    if (reading.seq > ring.highest) ring.highest = reading.seq;
    ring.remember(reading.seq, ts, now, oldest);
    return false;
  }

  /** Pairs remembered for a device (for tests and memory accounting). */
  rememberedFor(deviceId: string): number {
    return this.rings.get(deviceId)?.size ?? 0;
  }
}

function sameTs(remembered: number, ts: number): boolean {
  return remembered === ts || (Number.isNaN(remembered) && Number.isNaN(ts));
}
