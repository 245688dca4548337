/** One received QoS 1 message waiting for the sink's answer. */
export interface HeldAck {
  readonly messageId: number;
  state: 'pending' | 'durable' | 'refused';
}

export interface AckRelease {
  /** Packet ids to PUBACK now, in the order their PUBLISHes arrived. */
  readonly acknowledge: readonly number[];
  /**
   * The oldest held message was refused: nothing behind it may be acknowledged on this connection, since
   * [MQTT-4.6.0-2] a client sends PUBACKs in the order the PUBLISHes were received.
   */
  readonly blocked: boolean;
}

/**
 * The PUBACKs of one connection, held until the sink answers and released in arrival order. Several messages are
 * in flight at once (as many as the broker's inflight window sends); a message answered early waits for the older
 * ones. Pure bookkeeping: the caller sends the PUBACKs.
 */
export class OrderedAcks {
  private readonly held: HeldAck[] = [];

  get size(): number {
    return this.held.length;
  }

  get pending(): number {
    return this.held.filter((entry) => entry.state === 'pending').length;
  }

  hold(messageId: number): HeldAck {
    const entry: HeldAck = { messageId, state: 'pending' };
    this.held.push(entry);
    return entry;
  }

  settle(entry: HeldAck, durable: boolean): AckRelease {
    if (entry.state === 'pending') entry.state = durable ? 'durable' : 'refused';
    const acknowledge: number[] = [];
    while (this.held[0]?.state === 'durable') acknowledge.push(this.held.shift()!.messageId);
    return { acknowledge, blocked: this.held[0]?.state === 'refused' };
  }
}
