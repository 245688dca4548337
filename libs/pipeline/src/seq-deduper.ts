import { Reading } from '../../contract/src';

/** Remembered (seq, ts) pairs per device; a small fixed ring keeps memory flat at 10,000+ devices (~3 KiB each). */
const RING_SIZE = 128;

class SeqRing {
  /** Highest seq seen: a larger one is new without a scan (the common case of a counting device). */
  highest = -1;
  readonly seqs = new Float64Array(RING_SIZE);
  /** The device's ts, or NaN when the reading had none. */
  readonly timestamps = new Float64Array(RING_SIZE);
  readonly seenAt = new Float64Array(RING_SIZE).fill(-Infinity);
  next = 0;
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
    const ts = reading.tsFromDevice ? reading.ts : NaN;
    let ring = this.rings.get(reading.deviceId);
    if (ring === undefined) {
      ring = new SeqRing();
      this.rings.set(reading.deviceId, ring);
    } else if (reading.seq <= ring.highest) {
      const oldest = now - this.windowMs;
      for (let index = 0; index < RING_SIZE; index++) {
        if (ring.seqs[index] === reading.seq && ring.seenAt[index] >= oldest && sameTs(ring.timestamps[index], ts)) return true;
      }
    }
    if (reading.seq > ring.highest) ring.highest = reading.seq;
    ring.seqs[ring.next] = reading.seq;
    ring.timestamps[ring.next] = ts;
    ring.seenAt[ring.next] = now;
    ring.next = (ring.next + 1) % RING_SIZE;
    return false;
  }
}

function sameTs(remembered: number, ts: number): boolean {
  return remembered === ts || (Number.isNaN(remembered) && Number.isNaN(ts));
}
