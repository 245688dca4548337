import type { DomainIssue } from '@hub/common';
import { parseCsv } from './csv-parser';
import { Parsed, RawDevice } from './device-fields';

/** Most devices one import may carry: a county's whole fleet of one domain, while keeping one request bounded. */
export const MAX_IMPORT_ROWS = 10_000;
/** Largest CSV body: 10,000 rows of ~150 characters with room to spare. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;

/** CSV column → field of the JSON API. */
export const CSV_COLUMNS: Readonly<Record<string, string>> = {
  device_id: 'deviceId',
  domain: 'domain',
  town: 'town',
  village: 'village',
  site: 'site',
  latitude: 'latitude',
  longitude: 'longitude',
  expected_interval: 'expectedIntervalS',
  description: 'description',
  enabled: 'enabled',
  kind: 'kind',
  gateway_id: 'gatewayId',
  gateway_domains: 'gatewayDomains',
  profile_id: 'profileId',
  dev_eui: 'devEui',
};
const REQUIRED_COLUMNS = ['device_id', 'domain'];
const COLUMN_OF_FIELD = new Map(Object.entries(CSV_COLUMNS).map(([column, field]) => [field, column]));

/** Where a row came from, as the import report names it: the CSV line, or the position in a JSON array. */
export type ImportPosition = { readonly line: number } | { readonly index: number };

/** One device of an import, not yet checked. */
export interface ImportCandidate {
  readonly position: ImportPosition;
  readonly raw: RawDevice;
  /** CSV: values are cell text. */
  readonly text: boolean;
  /** The row could not be read at all (malformed CSV). */
  readonly error?: string;
  /** Names a problem's field as the caller wrote it (CSV column names). */
  readonly fieldName: (field: string) => string;
}

/**
 * A CSV file of devices, header row first (column names as in CSV_COLUMNS, any order, case-insensitive; only
 * device_id and domain are required). The file as a whole is refused (a 400 with every problem) only when it cannot
 * be read as a device list at all: no header, a missing required column, an unknown or repeated column (a typo in
 * a header would otherwise silently drop a whole column), or too many rows. Problems within rows are reported per row.
 */
export function readDeviceCsv(text: string): Parsed<ImportCandidate[]> {
  const records = parseCsv(text);
  if (records.length === 0) return { ok: false, problems: [{ field: 'file', problem: 'empty: expected a header row and one row per device' }] };
  const [header, ...rows] = records;
  const problems: DomainIssue[] = [];
  if (header.error !== undefined) problems.push({ field: 'header', problem: header.error });
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  columns.forEach((column, position) => {
    if (!(column in CSV_COLUMNS)) {
      problems.push({ field: column || `column ${position + 1}`, problem: `unknown column; allowed: ${Object.keys(CSV_COLUMNS).join(', ')}` });
    } else if (columns.indexOf(column) !== position) {
      problems.push({ field: column, problem: 'column appears more than once' });
    }
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!columns.includes(required)) problems.push({ field: required, problem: 'required column is missing from the header row' });
  }
  if (rows.length > MAX_IMPORT_ROWS) {
    problems.push({ field: 'file', problem: `${rows.length} rows; at most ${MAX_IMPORT_ROWS} per import: split the file` });
  }
  if (rows.length === 0) problems.push({ field: 'file', problem: 'no device rows after the header' });
  if (problems.length > 0) return { ok: false, problems };

  const fieldName = (field: string): string => COLUMN_OF_FIELD.get(field) ?? field;
  return {
    ok: true,
    value: rows.map((record) => {
      const raw: Record<string, string> = {};
      columns.forEach((column, position) => {
        const cell = record.fields[position];
        if (cell !== undefined) raw[CSV_COLUMNS[column]] = cell.trim();
      });
      let error = record.error;
      if (error === undefined && record.fields.length > columns.length) {
        error = `${record.fields.length} fields but the header has ${columns.length} columns (an unquoted comma in a value?)`;
      }
      return { position: { line: record.line }, raw, text: true, fieldName, ...(error === undefined ? {} : { error }) };
    }),
  };
}

/** The JSON form for scripts: an array of device objects as POST /api/devices takes them. */
export function readDeviceArray(body: unknown): Parsed<ImportCandidate[]> {
  if (!Array.isArray(body)) return { ok: false, problems: [{ field: 'body', problem: 'expected a JSON array of devices, or text/csv' }] };
  if (body.length === 0) return { ok: false, problems: [{ field: 'body', problem: 'the array is empty' }] };
  if (body.length > MAX_IMPORT_ROWS) return { ok: false, problems: [{ field: 'body', problem: `${body.length} devices; at most ${MAX_IMPORT_ROWS} per import` }] };
  return {
    ok: true,
    value: body.map((item: unknown, index) => {
      const isObject = typeof item === 'object' && item !== null && !Array.isArray(item);
      return {
        position: { index },
        raw: isObject ? (item as RawDevice) : {},
        text: false,
        fieldName: (field: string) => field,
        ...(isObject ? {} : { error: 'expected a JSON object' }),
      };
    }),
  };
}
