/** Lines that can be sent as one body or in parts: what writeOrBisect splits. */
export interface LineList {
  readonly count: number;
  /** Lines [from, to) joined by '\n'. */
  body(from: number, to: number): string;
  line(index: number): string;
}

/** Plain strings as a LineList (the spool replayer's batches). */
export class StringLineList implements LineList {
  constructor(private readonly lines: readonly string[]) {}

  get count(): number {
    return this.lines.length;
  }

  body(from: number, to: number): string {
    return from === 0 && to === this.lines.length ? this.lines.join('\n') : this.lines.slice(from, to).join('\n');
  }

  line(index: number): string {
    return this.lines[index];
  }
}

const MIN_BYTES = 4096;

/**
 * The lines of one write batch, encoded as UTF-8 into one growing buffer as they arrive. A string per reading kept
 * until its batch is durable (up to a second) outlives young-generation GCs, and a line built by concatenation is a
 * tree of about 17 small strings: V8 copied and promoted all of them, and GC was the largest single cost of the
 * service at full load. Bytes outside the JS heap cost the GC nothing (measured on the pipeline alone: bytes
 * promoted per message 1,115 → 515, GC pauses halved), and the body, the spool frame and a bisected half are all
 * slices of the same bytes. Lines must not contain '\n' (line protocol escapes it in tags; names and numbers never do).
 */
export class LineBuffer implements LineList {
  private bytes: Buffer;
  private used = 0;
  /** Byte offset where each line ends (its '\n' follows). */
  private readonly ends: number[] = [];

  constructor(expectedBytes = MIN_BYTES) {
    this.bytes = Buffer.allocUnsafe(Math.max(MIN_BYTES, expectedBytes));
  }

  get count(): number {
    return this.ends.length;
  }

  /** Bytes of all lines with the newlines between them. */
  get byteLength(): number {
    return this.used === 0 ? 0 : this.used - 1;
  }

  push(line: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
    const room = line.length * 3 + 1;
    if (this.used + room > this.bytes.length) this.grow(this.used + room);
    this.used += this.bytes.write(line, this.used, 'utf8');
    this.ends.push(this.used);
    this.bytes[this.used++] = 0x0a;
  }

  body(from = 0, to = this.ends.length): string {
    return to <= from ? '' : this.bytes.toString('utf8', this.start(from), this.ends[to - 1]);
  }

  line(index: number): string {
    return this.body(index, index + 1);
  }

  /** The UTF-8 bytes of lines [from, to) joined by '\n': a view, valid until the next push. */
  payload(from = 0, to = this.ends.length): Buffer {
    return to <= from ? Buffer.alloc(0) : this.bytes.subarray(this.start(from), this.ends[to - 1]);
  }

  private start(index: number): number {
    return index === 0 ? 0 : this.ends[index - 1] + 1;
  }

  private grow(needed: number): void {
    const bytes = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2));
    this.bytes.copy(bytes, 0, 0, this.used);
    this.bytes = bytes;
  }
}
