import { CSV_BOM } from '@hub/common';

/** An export ready to stream: checked, in scope and audited; nothing is read until `pieces` is pulled. */
export interface CsvExport {
  /** ASCII, for Content-Disposition. */
  readonly fileName: string;
  /** Response headers of its own (e.g. which resolution served a readings export), sent with the status. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The file in pieces of about PIECE_CHARS: the BOM and the header first, held back until the source has answered
   * (so a source that is down is still an HTTP error, before any byte is sent). `signal` aborts reading the source.
   */
  pieces(signal: AbortSignal): AsyncGenerator<string>;
}

/** Big enough that writing a piece costs little per row, small enough that a few in flight cost no memory. */
export const PIECE_CHARS = 64 * 1024;

/**
 * Collects records into pieces of PIECE_CHARS: `add` answers a piece when one is full, `rest` what is left. The first
 * piece starts with the BOM and the header.
 */
export class PieceBuffer {
  private text: string;
  rows = 0;

  constructor(header: string) {
    this.text = CSV_BOM + header;
  }

  add(records: string, rows: number): string | undefined {
    this.text += records;
    this.rows += rows;
    if (this.text.length < PIECE_CHARS) return undefined;
    const piece = this.text;
    this.text = '';
    return piece;
  }

  rest(): string | undefined {
    const piece = this.text;
    this.text = '';
    return piece === '' ? undefined : piece;
  }
}

/** `2026-12-01T00-00-00Z`: an instant as it may stand in a file name on every system. */
export function fileTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}
