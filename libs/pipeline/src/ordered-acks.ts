/**
 * Releases acknowledgements in the order the messages arrived.
 * [MQTT-4.6.0-2] A server must send PUBACKs in the order it received the PUBLISH packets; aedes handles all the
 * packets of one socket read concurrently, and a valid reading can wait for the writer while a later invalid one is
 * dead-lettered at once, so each client gets a FIFO of slots and a slot's callback runs only after all earlier ones.
 */
export type AckCallback = (error?: Error | null) => void;

interface Slot {
  readonly done: AckCallback;
  settled: boolean;
  error: Error | null;
}

export class AckSequencer {
  private readonly slots: Slot[] = [];
  private head = 0;

  /** Reserves the next slot; call the returned function once the message is settled. */
  reserve(done: AckCallback): AckCallback {
    const slot: Slot = { done, settled: false, error: null };
    this.slots.push(slot);
    return (error) => {
      slot.settled = true;
      slot.error = error ?? null;
      this.release();
    };
  }

  get pending(): number {
    return this.slots.length - this.head;
  }

  private release(): void {
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
