import { firstUnprintable, printable, quoted, TOWN_NAME_PATTERN } from './printable-text';

describe('printable', () => {
  it('leaves ordinary text, accents and other scripts alone', () => {
    expect(printable('Køge 東京 ünit = 4, "x"')).toBe('Køge 東京 ünit = 4, "x"');
  });

  it('escapes control, format and lone surrogate characters visibly', () => {
    expect(printable('a\u0000b\u001fc\u007fd\u0085e')).toBe('a\\u0000b\\u001fc\\u007fd\\u0085e');
    expect(printable('\u202eevil\u200b\ufeff\u2028')).toBe('\\u202eevil\\u200b\\ufeff\\u2028');
    expect(printable('x\ud800y')).toBe('x\\ud800y');
    expect(printable('tag\u{e0041}')).toBe('tag\\u{e0041}');
  });
});

describe('quoted', () => {
  it('quotes, escapes and cuts to the limit with an ellipsis', () => {
    expect(quoted('ph')).toBe('"ph"');
    expect(quoted('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(quoted('x'.repeat(70))).toBe(`"${'x'.repeat(64)}…"`);
    expect(quoted('x'.repeat(70), 4)).toBe('"xxxx…"');
  });
});

describe('firstUnprintable', () => {
  it('finds the first character printable would escape, and nothing in ordinary text of any script', () => {
    expect(firstUnprintable('Køge 東京 מגדל')).toBeNull();
    expect(firstUnprintable('a\u202eb\u0000')).toBe('\u202e');
    expect(firstUnprintable('x\ud800')).toBe('\ud800');
    // Not stateful across calls, unlike a global regular expression's test().
    expect([firstUnprintable('\u200b'), firstUnprintable('\u200b')]).toEqual(['\u200b', '\u200b']);
  });
});

describe('TOWN_NAME_PATTERN', () => {
  it('takes ordinary town names in any script and refuses blank ends and invisible characters', () => {
    for (const town of ['Ashford', 'St. Mary’s', 'Zürich-Nord', 'Ōsaka', 'A', 'x'.repeat(100)]) expect([town, TOWN_NAME_PATTERN.test(town)]).toEqual([town, true]);
    for (const town of ['', ' Ashford', 'Ashford ', 'Ash\u202eford', 'Ash\u200bford', 'Ash\u0000ford', 'Ash\nford', '\ufeffAshford', 'x'.repeat(101)]) {
      expect([town, TOWN_NAME_PATTERN.test(town)]).toEqual([town, false]);
    }
  });
});
