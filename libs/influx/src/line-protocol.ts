import { Reading } from '@hub/contract';
import { formatFloat, formatTimestamp } from './line-numbers';

const NEEDS_ESCAPING = /[,= \\\r\n]/;

/**
 * InfluxDB line protocol, built as strings directly: the client's Point class allocates per field and does not
 * escape a trailing backslash in tag values (a tag value ending in `\` escapes the following space or comma and
 * corrupts the whole line). All metrics are written as floats (no `i` suffix) so a field never changes type.
 *
 * Backslashes need care because parsers disagree on them. InfluxDB 1.x (`models/points.go`) treats a delimiter as
 * escaped whenever the byte before it is `\` and never unescapes `\\`; VictoriaMetrics counts the backslashes before
 * a delimiter and unescapes `\\` to `\`. Doubling a run of backslashes that ends right before an escaped delimiter
 * parses the same way in both (InfluxDB 1.x then stores the doubled run). A value ending in a backslash has no
 * encoding InfluxDB 1.x can parse (measured on 1.6.7: `site=a\\ v=1` is refused as "invalid tag format" and the line
 * is dropped), so such a value gets a space appended before escaping: the line survives, the backslash stays visible.
 */
export function escapeTagValue(value: string): string {
  if (!NEEDS_ESCAPING.test(value)) return value;
  let text = value.replace(/[\r\n]+/g, ' ');
  if (text.endsWith('\\')) text += ' ';
  return escapeDelimiters(text);
}

/** Tag and field keys: same escaping as tag values (keys come from the catalogue or config, never end in `\`). */
export function escapeKey(key: string): string {
  if (!NEEDS_ESCAPING.test(key)) return key;
  return escapeDelimiters(key.replace(/[\r\n]+/g, ' '));
}

function escapeDelimiters(text: string): string {
  return text.replace(/(\\*)([,= ])/g, (_match, backslashes: string, delimiter: string) => `${backslashes}${backslashes}\\${delimiter}`);
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

  // Metric names are catalogue names (validated), so they need no escaping. A number's shortest round-trip form
  // (what String() produces) is what InfluxDB parses as a float, exponents included.
  let separator = ' ';
  for (const name in reading.metrics) {
    line += `${separator}${name}=${formatFloat(reading.metrics[name])}`;
    separator = ',';
  }
  return `${line} ${formatTimestamp(reading.ts)}`;
}

/** What precedes the fields of a line: its measurement and tags, unescaped. */
export interface LineSeries {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Reads back the measurement and tags of a line this file wrote (the spool replays lines and needs to know whose
 * they were). The inverse of escapeTagValue/escapeKey, i.e. VictoriaMetrics' reading of backslashes: before a
 * delimiter (`,` `=` space in tags, `,` space in the measurement) a run of 2n+1 backslashes is n backslashes and the
 * delimiter itself, a run of 2n is n backslashes and then a real delimiter; elsewhere backslashes are literal.
 * Null when the line has no fields part or a tag without `=`.
 */
export function parseLineSeries(line: string): LineSeries | null {
  const tags: Record<string, string> = {};
  let measurement: string | null = null;
  let key: string | null = null;
  let text = '';
  for (let i = 0; i < line.length; ) {
    const char = line[i];
    const delimiters = measurement === null ? MEASUREMENT_DELIMITERS : TAG_DELIMITERS;
    if (char === '\\') {
      let run = 0;
      while (line[i + run] === '\\') run++;
      const next = line[i + run];
      if (next === undefined || !delimiters.includes(next)) {
        text += '\\'.repeat(run);
        i += run;
      } else {
        text += '\\'.repeat(Math.floor(run / 2)) + (run % 2 === 1 ? next : '');
        i += run % 2 === 1 ? run + 1 : run;
      }
      continue;
    }
    i++;
    if (!delimiters.includes(char)) {
      text += char;
      continue;
    }
    if (measurement === null) {
      measurement = text;
    } else if (key === null) {
      if (char !== '=') return null;
      key = text;
    } else {
      if (char === '=') return null;
      tags[key] = text;
      key = null;
    }
    if (char === ' ') return key === null ? { measurement, tags } : null;
    text = '';
  }
  return null;
}

const MEASUREMENT_DELIMITERS = ', ';
const TAG_DELIMITERS = ',= ';
