import { parseCsv } from './csv-parser';

describe('parseCsv', () => {
  it('reads plain rows with their line numbers', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
  });

  it('strips a byte-order mark and takes CRLF, LF, a lone CR and a missing final line end', () => {
    expect(parseCsv('\uFEFFa,b\r\n1,2\n3,4\r5,6')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
      { line: 4, fields: ['5', '6'] },
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields, counting lines as a spreadsheet does', () => {
    expect(parseCsv('id,note\r\nx,"one, two"\r\ny,"say ""hi"""\r\nz,"line 1\r\nline 2"\r\nw,last')).toEqual([
      { line: 1, fields: ['id', 'note'] },
      { line: 2, fields: ['x', 'one, two'] },
      { line: 3, fields: ['y', 'say "hi"'] },
      { line: 4, fields: ['z', 'line 1\r\nline 2'] },
      { line: 6, fields: ['w', 'last'] },
    ]);
  });

  it('keeps empty fields and skips blank lines', () => {
    expect(parseCsv('a,,c\n\n  \n,,\n""\n')).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 4, fields: ['', '', ''] },
    ]);
  });

  it('reports a malformed row and goes on with the next line', () => {
    expect(parseCsv('a,b"c\n"x"y,z\nok,1\n')).toEqual([
      { line: 1, fields: ['a', 'b"c'], error: 'a quote inside unquoted field 2 (quote the whole field and double the quote)' },
      { line: 2, fields: ['xy', 'z'], error: 'text after the closing quote of field 1' },
      { line: 3, fields: ['ok', '1'] },
    ]);
  });

  it('says so when a quote is never closed', () => {
    expect(parseCsv('a,b\n"open,1\n2,3\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['open,1\n2,3\n'], error: 'a quoted field opened on line 2 is never closed (the rest of the file is inside it)' },
    ]);
  });

  it('reads nothing from an empty file', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF\r\n')).toEqual([]);
  });
});
