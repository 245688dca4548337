/**
 * Releases acknowledgements in the order the messages arrived.
 * [MQTT-4.6.0-2] A server must send PUBACKs in the order it received the PUBLISH packets; aedes handles all the
 * packets of one socket read concurrently, and a valid reading can wait for the writer while a later invalid one is
 * dead-lettered at once, so each client gets a FIFO of slots and a slot's callback runs only after all earlier ones.
 */
export type AckCallback = (error?: Error | null) => void;

/**
 * One message's place in the order. A class rather than closures: a slot lives until its message is durable
 * (up to a second under load), and everything that lives that long is copied by the young-generation GC.
 */
class Slot {
  settled = false;
  error: Error | null = null;

  constructor(
    readonly done: AckCallback,
    private readonly sequencer: AckSequencer,
  ) {}

  settle(error?: Error | null): void {
    this.settled = true;
    this.error = error ?? null;
    this.sequencer.release();
  }
}

export class AckSequencer {
  private readonly slots: Slot[] = [];
  private head = 0;

  /** Reserves the next slot; call the returned function once the message is settled. */
  reserve(done: AckCallback): AckCallback {
    const slot = new Slot(done, this);
    this.slots.push(slot);
    return slot.settle.bind(slot);
  }

  get pending(): number {
    return this.slots.length - this.head;
  }

  /** Runs the callbacks of the settled slots at the head of the queue. */
  release(): void {
    while (this.head < this.slots.length && this.slots[this.head].settled) {
      const slot = this.slots[this.head++];
      slot.done(slot.error);
    }
    // Compact now and then instead of shift() on every release.
    if (this.head > 1024 || this.head === this.slots.length) {
      this.slots.splice(0, this.head);
      this.head = 0;
    }
  }
}
