import { LineSink, LineSinkWriteError } from '../../influx/src/line-sink';

export interface BisectOutcome<T> {
  /** Entries InfluxDB stored. */
  readonly written: number;
  /** Entries InfluxDB refused one by one (4xx other than 429), with its reason. */
  readonly refused: { readonly entry: T; readonly error: LineSinkWriteError }[];
}

/**
 * Writes entries as one body; when InfluxDB refuses it (a 400 such as a field type conflict or a line it cannot
 * parse), splits it in halves until only the refused lines are left. InfluxDB 1.x stores the good lines of a
 * partially refused body anyway, and writing a point again overwrites it, so re-sending halves is harmless.
 * Rejects with the retryable error as soon as one occurs; the caller retries or spools the whole batch.
 */
export async function writeOrBisect<T>(sink: LineSink, entries: readonly T[], lineOf: (entry: T) => string): Promise<BisectOutcome<T>> {
  try {
    await sink.write(entries.map(lineOf).join('\n'));
    return { written: entries.length, refused: [] };
  } catch (error) {
    if (!(error instanceof LineSinkWriteError) || error.retryable) throw error;
    if (entries.length === 1) return { written: 0, refused: [{ entry: entries[0], error }] };
    const middle = entries.length >> 1;
    const left = await writeOrBisect(sink, entries.slice(0, middle), lineOf);
    const right = await writeOrBisect(sink, entries.slice(middle), lineOf);
    return { written: left.written + right.written, refused: [...left.refused, ...right.refused] };
  }
}
