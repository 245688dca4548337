export class PacketTooLargeError extends Error {
  constructor(
    readonly packetBytes: number,
    readonly limitBytes: number,
  ) {
    super(`MQTT packet of ${packetBytes} bytes exceeds the ${limitBytes}-byte limit; connection closed`);
    this.name = 'PacketTooLargeError';
  }
}

/** Where the guard is inside the MQTT byte stream. */
type State = { kind: 'header' } | { kind: 'length'; value: number; multiplier: number; bytes: number } | { kind: 'body'; remaining: number };

/**
 * Reads only the MQTT fixed headers of a client's byte stream [MQTT-2.2], so the remaining length of every packet is
 * known before its body arrives. aedes (mqtt-packet) has no maximum packet size and would buffer a 256 MB PUBLISH
 * whole; a packet announcing more than `limitBytes` is reported as soon as its header is seen, before any of its
 * body is buffered, and the caller closes the connection. Payload bytes are skipped, not scanned.
 */
export class MqttPacketSizeMeter {
  private state: State = { kind: 'header' };

  constructor(private readonly limitBytes: number) {}

  /** Follows the stream through one more chunk; returns the error once a packet is too large (or malformed). */
  inspect(chunk: Uint8Array): PacketTooLargeError | null {
    let offset = 0;
    while (offset < chunk.length) {
      const state = this.state;
      if (state.kind === 'body') {
        const skip = Math.min(state.remaining, chunk.length - offset);
        offset += skip;
        state.remaining -= skip;
        if (state.remaining === 0) this.state = { kind: 'header' };
      } else if (state.kind === 'header') {
        offset++; // packet type and flags
        this.state = { kind: 'length', value: 0, multiplier: 1, bytes: 0 };
      } else {
        const byte = chunk[offset++];
        state.value += (byte & 0x7f) * state.multiplier;
        state.multiplier *= 128;
        state.bytes++;
        if (state.value > this.limitBytes) return new PacketTooLargeError(state.value, this.limitBytes);
        if ((byte & 0x80) === 0) {
          this.state = state.value === 0 ? { kind: 'header' } : { kind: 'body', remaining: state.value };
        } else if (state.bytes === 4) {
          // [MQTT-2.2.3] at most four bytes of remaining length; a fifth continuation bit is malformed.
          return new PacketTooLargeError(Number.POSITIVE_INFINITY, this.limitBytes);
        }
      }
    }
    return null;
  }
}
