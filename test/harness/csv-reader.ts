/**
 * An RFC 4180 reader fed in pieces, for tests that read exports as they stream (a CSV of millions of rows is never
 * held whole): quoted fields with commas, doubled quotes and line breaks, CRLF or LF record ends, a leading BOM kept
 * out of the first field (`sawBom` says whether there was one). Written apart from the hub's writer, so a test reads
 * what a spreadsheet would, not what the writer meant.
 */
export class CsvReader {
  sawBom = false;
  private started = false;
  private field = '';
  private record: string[] = [];
  private quoted = false;
  /** Inside a quoted field, the last character was a quote: the next decides whether it was doubled or closing. */
  private quotePending = false;
  private fieldWasQuoted = false;
  private afterCr = false;

  /** The records completed by this piece of text. */
  push(text: string): string[][] {
    const done: string[][] = [];
    let index = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) {
        this.sawBom = true;
        index = 1;
      }
    }
    for (; index < text.length; index++) {
      const char = text[index];
      if (this.afterCr) {
        this.afterCr = false;
        if (char === '\n') continue;
      }
      if (this.quoted) {
        if (this.quotePending) {
          this.quotePending = false;
          if (char === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false;
          // Falls through: the character after a closing quote is a delimiter (or an error, kept as text).
        } else if (char === '"') {
          this.quotePending = true;
          continue;
        } else {
          this.field += char;
          continue;
        }
      }
      if (char === '"' && this.field === '' && !this.fieldWasQuoted) {
        this.quoted = true;
        this.fieldWasQuoted = true;
      } else if (char === ',') {
        this.endField();
      } else if (char === '\r' || char === '\n') {
        this.endField();
        done.push(this.record);
        this.record = [];
        this.afterCr = char === '\r';
      } else {
        this.field += char;
      }
    }
    return done;
  }

  /** The last record when the text did not end with a line end. Throws when a quoted field was never closed. */
  end(): string[][] {
    if (this.quoted && !this.quotePending) throw new Error('CSV ends inside a quoted field');
    this.quoted = false;
    this.quotePending = false;
    if (this.field === '' && this.record.length === 0 && !this.fieldWasQuoted) return [];
    this.endField();
    const last = this.record;
    this.record = [];
    return [last];
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldWasQuoted = false;
  }
}

/** A whole CSV text as records (BOM dropped). */
export function readCsv(text: string): string[][] {
  const reader = new CsvReader();
  return [...reader.push(text), ...reader.end()];
}
