import { Reading } from '../../contract/src';

/**
 * InfluxDB line protocol, built as strings directly: the client's Point class allocates per field and does not
 * escape a trailing backslash in tag values (a tag value ending in `\` escapes the following space or comma and
 * corrupts the whole line). All metrics are written as floats (no `i` suffix) so a field never changes type.
 */
export function escapeTagValue(value: string): string {
  let escaped = value.replace(/[\r\n]+/g, ' ').replace(/([,= ])/g, '\\$1');
  // Line protocol cannot carry a single trailing backslash (the parser reads it as escaping the delimiter), so a
  // trailing run of backslashes is doubled: the line stays well-formed and the value keeps a visible backslash.
  const trailing = /\\+$/.exec(escaped);
  if (trailing) escaped += trailing[0];
  return escaped;
}

export function escapeKey(key: string): string {
  return key.replace(/[\r\n]+/g, ' ').replace(/([,= ])/g, '\\$1');
}

/** Extra tags (town, site …) known for a device; keys sorted by the caller once, values escaped here. */
export type TagSet = ReadonlyArray<readonly [key: string, value: string]>;

/** One line per reading: measurement = domain, tag device_id (+ extra tags), one float field per metric, ms time. */
export function readingToLine(reading: Reading, extraTags: TagSet = []): string {
  let line = reading.domain;
  // Tags in key order, as InfluxDB recommends: device_id sorts among the extra tags.
  let deviceTagWritten = false;
  for (const [key, value] of extraTags) {
    if (!deviceTagWritten && key > 'device_id') {
      line += `,device_id=${escapeTagValue(reading.deviceId)}`;
      deviceTagWritten = true;
    }
    if (value !== '') line += `,${escapeKey(key)}=${escapeTagValue(value)}`;
  }
  if (!deviceTagWritten) line += `,device_id=${escapeTagValue(reading.deviceId)}`;

  let separator = ' ';
  for (const name in reading.metrics) {
    line += `${separator}${escapeKey(name)}=${formatFloat(reading.metrics[name])}`;
    separator = ',';
  }
  return `${line} ${reading.ts}`;
}

function formatFloat(value: number): string {
  // String(n) is the shortest round-trip form; InfluxDB parses it (including exponents) as a float.
  return String(value);
}
