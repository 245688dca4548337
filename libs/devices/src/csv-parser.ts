/** One record of a CSV file: its fields, the line it starts on (1-based, as a spreadsheet shows it), or what is wrong. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
  /** Set when the record could not be read as CSV; its fields are then what could be read. */
  readonly error?: string;
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

/**
 * RFC 4180 CSV as spreadsheets write it: comma-separated, `"`-quoted fields that may hold commas, line breaks and
 * doubled quotes (`""`). Tolerates what real exports contain: a UTF-8 byte-order mark, CRLF or LF line ends, blank
 * lines (skipped), a missing final line end. A malformed record (a quote inside an unquoted field, text after a
 * closing quote) is returned with its error and reading goes on with the next line, so one bad row does not hide
 * the others. An unterminated quote swallows the rest of the file; that record says so.
 */
export function parseCsv(text: string): CsvRecord[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let index = 0;
  const length = source.length;

  while (index < length) {
    const startLine = line;
    const fields: string[] = [];
    let error: string | undefined;
    let field = '';
    let atRecordEnd = false;
    while (!atRecordEnd) {
      if (index < length && source.charCodeAt(index) === QUOTE) {
        // Quoted field: runs to the next quote that is not doubled.
        index++;
        let closed = false;
        while (index < length) {
          const code = source.charCodeAt(index);
          if (code === QUOTE) {
            if (source.charCodeAt(index + 1) === QUOTE) {
              field += '"';
              index += 2;
              continue;
            }
            index++;
            closed = true;
            break;
          }
          if (code === LF) line++;
          field += source[index];
          index++;
        }
        if (!closed) {
          error = `a quoted field opened on line ${startLine} is never closed (the rest of the file is inside it)`;
        } else if (index < length && !isDelimiter(source.charCodeAt(index))) {
          error ??= `text after the closing quote of field ${fields.length + 1}`;
          while (index < length && !isDelimiter(source.charCodeAt(index))) field += source[index++];
        }
      } else {
        while (index < length && !isDelimiter(source.charCodeAt(index))) {
          if (source.charCodeAt(index) === QUOTE) error ??= `a quote inside unquoted field ${fields.length + 1} (quote the whole field and double the quote)`;
          field += source[index++];
        }
      }
      fields.push(field);
      field = '';
      if (index < length && source.charCodeAt(index) === COMMA) {
        index++;
        continue;
      }
      atRecordEnd = true;
    }
    // Line end: CRLF, LF or a lone CR.
    if (index < length && source.charCodeAt(index) === CR) index++;
    if (index < length && source.charCodeAt(index) === LF) index++;
    line++;
    const blank = fields.length === 1 && fields[0].trim() === '' && error === undefined;
    if (!blank) records.push(error === undefined ? { line: startLine, fields } : { line: startLine, fields, error });
  }
  return records;
}

function isDelimiter(code: number): boolean {
  return code === COMMA || code === CR || code === LF;
}
