/**
 * CSV as RFC 4180 writes it, for exports that spreadsheets open: fields separated by commas, records ended by CRLF, a
 * field quoted when it holds a comma, a quote, CR or LF, and a quote inside a quoted field doubled. No CSV package is
 * installed and writing is these few lines; reading (libs/devices csv-parser.ts) is where the hard cases are.
 */

/** UTF-8's byte-order mark, first in a file: without it Excel reads UTF-8 as the system's code page (GBK on a Chinese Windows) and garbles 城关镇. */
export const CSV_BOM = '\uFEFF';
export const CSV_RECORD_END = '\r\n';

/** What a field may be: text as is, numbers in their shortest round-trip form, empty for null or undefined. */
export type CsvValue = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
/** What a spreadsheet takes as the start of a formula (OWASP, "CSV Injection"): `=`, `+`, `-`, `@`, tab, CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF included. */
export function csvRecord(fields: readonly CsvValue[]): string {
  let record = '';
  for (let index = 0; index < fields.length; index++) {
    if (index > 0) record += ',';
    record += csvField(fields[index]);
  }
  return record + CSV_RECORD_END;
}

/**
 * Free text that came from outside (a device's payload, an operator's note) as a spreadsheet should show it: text
 * starting like a formula gets a leading `'`, so `=HYPERLINK(…)` in a refused payload is shown, not run. Only for such
 * columns — numbers and identifiers are written as they are (a negative value starts with `-`).
 */
export function inertText(text: string | null): string | null {
  return text !== null && FORMULA_START.test(text) ? `'${text}` : text;
}
