import { CSV_BOM, csvField, csvRecord, inertText } from './csv-writer';
import { readCsv } from '@hub/test-harness';

describe('csvField / csvRecord (RFC 4180)', () => {
  it('leaves plain text and numbers as they are, numbers in their shortest round-trip form', () => {
    expect(csvRecord(['water', 'cg-1', 0.1 + 0.2, -3, 1e21, 412.5])).toBe('water,cg-1,0.30000000000000004,-3,1e+21,412.5\r\n');
  });

  it('quotes a field holding a comma, a quote, CR or LF, and doubles the quotes inside', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('"')).toBe('""""');
  });

  it('writes null, undefined and non-finite numbers as empty fields', () => {
    expect(csvRecord([null, undefined, Number.NaN, Number.POSITIVE_INFINITY, ''])).toBe(',,,,\r\n');
  });

  it('keeps Chinese text byte for byte, unquoted unless it holds a delimiter', () => {
    expect(csvRecord(['城关镇', '东街村', '水压，偏低'])).toBe('城关镇,东街村,水压，偏低\r\n');
    expect(csvField('城关镇,东街')).toBe('"城关镇,东街"');
  });

  it('round-trips through an RFC 4180 reader: what is written reads back as the same fields', () => {
    const rows = [
      ['time_utc', 'town', 'note'],
      ['2026-12-06T18:20:24.000Z', '城关镇', 'a "quoted", multi\r\nline note'],
      ['', ' leading and trailing spaces ', '""'],
    ];
    const text = CSV_BOM + rows.map(csvRecord).join('');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(text, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(readCsv(text)).toEqual(rows);
  });
});

describe('inertText (formula injection)', () => {
  it('prefixes text that a spreadsheet would run as a formula with a quote', () => {
    expect(['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx'].map(inertText)).toEqual([
      `'=HYPERLINK("http://x")`,
      `'+1`,
      `'-2+3`,
      `'@SUM(A1)`,
      `'\tx`,
      `'\rx`,
    ]);
  });

  it('leaves other text and null alone', () => {
    expect(['{"metrics":{}}', '城关镇', 'a=b', ''].map(inertText)).toEqual(['{"metrics":{}}', '城关镇', 'a=b', '']);
    expect(inertText(null)).toBeNull();
  });
});
