import { LineSink, LineSinkWriteError } from '@hub/influx';
import { LineList } from './line-buffer';

export interface BisectOutcome {
  /** Lines InfluxDB stored. */
  readonly written: number;
  /** Lines InfluxDB refused one by one (4xx other than 429), by index in the list, with its reason. */
  readonly refused: { readonly index: number; readonly error: LineSinkWriteError }[];
}

/**
 * Writes lines [from, to) as one body; when InfluxDB refuses it (a 400 such as a field type conflict or a line it
 * cannot parse), splits it in halves until only the refused lines are left. InfluxDB 1.x stores the good lines of a
 * partially refused body anyway, and writing a point again overwrites it, so re-sending halves is harmless.
 * Rejects with the retryable error as soon as one occurs; the caller retries or spools the whole batch.
 */
export async function writeOrBisect(sink: LineSink, lines: LineList, from = 0, to = lines.count): Promise<BisectOutcome> {
  try {
    await sink.write(lines.body(from, to));
    return { written: to - from, refused: [] };
  } catch (error) {
    if (!(error instanceof LineSinkWriteError) || error.retryable) throw error;
    if (to - from === 1) return { written: 0, refused: [{ index: from, error }] };
    const middle = from + ((to - from) >> 1);
    const left = await writeOrBisect(sink, lines, from, middle);
    const right = await writeOrBisect(sink, lines, middle, to);
    return { written: left.written + right.written, refused: [...left.refused, ...right.refused] };
  }
}
