export class PacketTooLargeError extends Error {
  constructor(
    readonly packetBytes: number,
    readonly limitBytes: number,
  ) {
    super(`MQTT packet of ${packetBytes} bytes exceeds the ${limitBytes}-byte limit; connection closed`);
    this.name = 'PacketTooLargeError';
  }
}

const HEADER = 0;
const LENGTH = 1;
const BODY = 2;

/**
 * Reads only the MQTT fixed headers of a client's byte stream [MQTT-2.2], so the remaining length of every packet is
 * known before its body arrives. aedes (mqtt-packet) has no maximum packet size and would buffer a 256 MB PUBLISH
 * whole; a packet announcing more than `limitBytes` is reported as soon as its header is seen, before any of its
 * body is buffered, and the caller closes the connection. Payload bytes are skipped, not scanned. One per connection,
 * its state in plain number fields: nothing is allocated per packet.
 */
export class MqttPacketSizeMeter {
  /** HEADER: next byte is a packet type; LENGTH: inside the remaining-length bytes; BODY: skipping `remaining`. */
  private phase = HEADER;
  private value = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;

  constructor(private readonly limitBytes: number) {}

  /** Follows the stream through one more chunk; returns the error once a packet is too large (or malformed). */
  inspect(chunk: Uint8Array): PacketTooLargeError | null {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.phase === BODY) {
        const skip = Math.min(this.remaining, chunk.length - offset);
        offset += skip;
        this.remaining -= skip;
        if (this.remaining === 0) this.phase = HEADER;
      } else if (this.phase === HEADER) {
        offset++; // packet type and flags
        this.phase = LENGTH;
        this.value = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else {
        const byte = chunk[offset++];
        this.value += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (this.value > this.limitBytes) return new PacketTooLargeError(this.value, this.limitBytes);
        if ((byte & 0x80) === 0) {
          this.remaining = this.value;
          this.phase = this.value === 0 ? HEADER : BODY;
        } else if (this.lengthBytes === 4) {
          // [MQTT-2.2.3] at most four bytes of remaining length; a fifth continuation bit is malformed.
          return new PacketTooLargeError(Number.POSITIVE_INFINITY, this.limitBytes);
        }
      }
    }
    return null;
  }
}
