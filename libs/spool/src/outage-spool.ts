import { FileHandle, mkdir, open, readdir, readFile, rename, statfs, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HubLogger } from '@hub/common';
import { countLines, encodeFrame, FRAME_HEADER_BYTES, readFrame } from './spool-frame';
import { SpoolFullError } from './spool-full.error';

export interface SpoolOptions {
  /** Cap on the spool's size on disk; null: a quarter of the free space of its file system at open. */
  readonly maxBytes: number | null;
  /** A segment file is closed and a new one started past this size. */
  readonly segmentBytes: number;
}

/** The next batch to replay, and where the one after it starts. */
export interface SpoolRecord {
  readonly segment: number;
  readonly nextOffset: number;
  readonly lines: string[];
}

interface Cursor {
  segment: number;
  offset: number;
}

interface PendingAppend {
  readonly frame: Buffer;
  readonly lines: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const SEGMENT_FILE = /^segment-(\d{12})\.log$/;
const segmentName = (segment: number) => `segment-${String(segment).padStart(12, '0')}.log`;

/**
 * The outage spool: an append-only log of line-protocol batches on local disk, in numbered segment files, read back
 * in order by the replayer. An append resolves only after fdatasync (appends that arrive while one sync runs share
 * the next: group commit), so a reading acknowledged because it was spooled survives kill -9 and power loss.
 * The read cursor is kept in cursor.json; losing its last update only means a batch is written to InfluxDB twice,
 * which overwrites the same points.
 */
export class OutageSpool {
  private queue: PendingAppend[] = [];
  private flushing = false;
  private active: { segment: number; handle: FileHandle; size: number } | null = null;
  /** Bytes of each segment known to be on disk (fsync'd for the active one). */
  private readonly segmentSizes = new Map<number, number>();
  private reader: { segment: number; handle: FileHandle } | null = null;
  private closed = false;
  /** Bytes on disk plus bytes of appends under way. */
  bytes = 0;
  pendingReadings = 0;
  /** Frames found torn or corrupt at open (crash residue) and the bytes dropped with them. */
  tornFrames = 0;

  private constructor(
    private readonly dir: string,
    readonly maxBytes: number,
    private readonly segmentBytes: number,
    private cursor: Cursor,
    private readonly logger: HubLogger,
  ) {}

  static async open(dir: string, options: SpoolOptions, logger: HubLogger): Promise<OutageSpool> {
    await mkdir(dir, { recursive: true });
    const maxBytes = options.maxBytes ?? (await quarterOfFreeSpace(dir));
    const cursor = await readCursor(dir);
    const spool = new OutageSpool(dir, maxBytes, options.segmentBytes, cursor, logger);
    await spool.recover();
    return spool;
  }

  get full(): boolean {
    return this.bytes >= this.maxBytes;
  }

  /** Durably appends one batch; rejects with SpoolFullError, without writing, when it would pass the cap. */
  append(lines: readonly string[]): Promise<void> {
    return this.appendPayload(Buffer.from(lines.join('\n'), 'utf8'), lines.length);
  }

  /** append() for a batch already encoded: `lines` newline-joined lines as UTF-8 (copied before this returns). */
  appendPayload(payload: Buffer, lines: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('outage spool is closed'));
    const frame = encodeFrame(payload);
    if (this.bytes + frame.length > this.maxBytes) return Promise.reject(new SpoolFullError(this.bytes, this.maxBytes));
    this.bytes += frame.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ frame, lines, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** The oldest batch not yet replayed, or null when the spool is empty. */
  async peek(): Promise<SpoolRecord | null> {
    for (;;) {
      const { segment, offset } = this.cursor;
      const size = this.segmentSizes.get(segment);
      if (size !== undefined && offset < size) {
        const handle = await this.readerFor(segment);
        const header = Buffer.alloc(FRAME_HEADER_BYTES);
        await handle.read(header, 0, FRAME_HEADER_BYTES, offset);
        const frame = Buffer.alloc(FRAME_HEADER_BYTES + header.readUInt32BE(0));
        await handle.read(frame, 0, frame.length, offset);
        const scan = readFrame(frame, 0);
        if (scan.kind === 'frame') {
          return { segment, nextOffset: offset + frame.length, lines: scan.payload.toString('utf8').split('\n') };
        }
        // Checked at open and fsync'd since, so this is damage on disk: skip the rest of the segment, loudly.
        this.logger.error({ msg: 'Spool segment damaged; skipping its remainder', segment, offset, why: scan.kind === 'torn' ? scan.why : '' });
        this.tornFrames++;
        this.segmentSizes.set(segment, offset);
        continue;
      }
      const next = [...this.segmentSizes.keys()].filter((candidate) => candidate > segment).sort((a, b) => a - b)[0];
      if (next === undefined) return null;
      await this.moveCursor({ segment: next, offset: 0 });
    }
  }

  /** Marks a record replayed: moves the cursor past it and deletes segments left behind. */
  async commit(record: SpoolRecord): Promise<void> {
    this.pendingReadings -= record.lines.length;
    await this.moveCursor({ segment: record.segment, offset: record.nextOffset });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) await this.flush();
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await this.active?.handle.close();
    await this.reader?.handle.close();
    this.active = null;
    this.reader = null;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const active = await this.activeSegment();
        const frames = batch.map((pending) => pending.frame);
        await active.handle.writev(frames, active.size);
        await active.handle.datasync();
        const written = frames.reduce((sum, frame) => sum + frame.length, 0);
        active.size += written;
        this.segmentSizes.set(active.segment, active.size);
        for (const pending of batch) {
          this.pendingReadings += pending.lines;
          pending.resolve();
        }
      } catch (error) {
        // Nothing in this group is acknowledged; the bytes it reserved are released, the segment is abandoned.
        this.logger.error({ msg: 'Could not append to the outage spool', error });
        for (const pending of batch) {
          this.bytes -= pending.frame.length;
          pending.reject(error instanceof Error ? error : new Error(String(error)));
        }
        await this.active?.handle.close().catch(() => undefined);
        this.active = null;
      }
    }
    this.flushing = false;
  }

  private async activeSegment(): Promise<{ segment: number; handle: FileHandle; size: number }> {
    if (this.active !== null && this.active.size < this.segmentBytes) return this.active;
    if (this.active !== null) await this.active.handle.close();
    const segment = Math.max(this.cursor.segment, ...this.segmentSizes.keys()) + 1;
    const handle = await open(join(this.dir, segmentName(segment)), 'wx');
    this.active = { segment, handle, size: 0 };
    this.segmentSizes.set(segment, 0);
    return this.active;
  }

  private async readerFor(segment: number): Promise<FileHandle> {
    if (this.reader?.segment === segment) return this.reader.handle;
    await this.reader?.handle.close();
    this.reader = { segment, handle: await open(join(this.dir, segmentName(segment)), 'r') };
    return this.reader.handle;
  }

  private async moveCursor(cursor: Cursor): Promise<void> {
    this.cursor = cursor;
    const temporary = join(this.dir, 'cursor.json.tmp');
    await writeFile(temporary, JSON.stringify(cursor));
    await rename(temporary, join(this.dir, 'cursor.json'));
    for (const segment of [...this.segmentSizes.keys()]) {
      if (segment < cursor.segment && segment !== this.active?.segment) await this.deleteSegment(segment);
    }
    // Everything replayed, the segment being appended to included: retire it too, or its bytes would count
    // against the cap for ever. The next append starts a new segment.
    const active = this.active;
    if (active && !this.flushing && cursor.segment === active.segment && cursor.offset === active.size) {
      this.active = null;
      await active.handle.close();
      await this.deleteSegment(active.segment);
    }
  }

  private async deleteSegment(segment: number): Promise<void> {
    if (this.reader?.segment === segment) {
      await this.reader.handle.close();
      this.reader = null;
    }
    this.bytes -= this.segmentSizes.get(segment) ?? 0;
    this.segmentSizes.delete(segment);
    await unlink(join(this.dir, segmentName(segment)));
  }

  /** Scans what a previous run left: counts pending readings, truncates a torn tail, drops replayed segments. */
  private async recover(): Promise<void> {
    const segments = (await readdir(this.dir))
      .map((name) => SEGMENT_FILE.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
    for (const segment of segments) {
      const file = join(this.dir, segmentName(segment));
      if (segment < this.cursor.segment) {
        await unlink(file);
        continue;
      }
      const content = await readFile(file);
      let offset = segment === this.cursor.segment ? Math.min(this.cursor.offset, content.length) : 0;
      let good = content.length;
      for (;;) {
        const scan = readFrame(content, offset);
        if (scan.kind === 'end') break;
        if (scan.kind === 'torn') {
          good = offset;
          this.tornFrames++;
          this.logger.warn({ msg: 'Dropping a torn spool record (written, never synced, never acknowledged)', segment, offset, bytes: content.length - offset, why: scan.why });
          break;
        }
        this.pendingReadings += countLines(scan.payload);
        offset = scan.end;
      }
      if (good < content.length) await truncate(file, good);
      this.segmentSizes.set(segment, good);
      this.bytes += good;
    }
    if (this.pendingReadings > 0) {
      this.logger.log({ msg: 'Outage spool holds readings from an earlier run; they will be replayed', readings: this.pendingReadings, bytes: this.bytes });
    }
  }
}

async function readCursor(dir: string): Promise<Cursor> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, 'cursor.json'), 'utf8')) as Cursor;
    if (Number.isSafeInteger(parsed.segment) && Number.isSafeInteger(parsed.offset)) return parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { segment: 0, offset: 0 };
}

async function quarterOfFreeSpace(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return Math.floor((stats.bavail * stats.bsize) / 4);
}
