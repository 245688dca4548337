import { countJsonMembers, findDuplicateKey, scanJson } from './json-structure';

const scan = (text: string, maxDepth = 32) => scanJson(Buffer.from(text, 'utf8'), maxDepth);

describe('scanJson', () => {
  it.each([
    ['{}', 0],
    ['[]', 0],
    ['{"metrics":{"ph":7,"level_m":2}}', 3],
    ['[{"ts":1,"metrics":{"ph":7}},{"metrics":{"ph":8}}]', 5],
    // Colons inside strings (ISO times, URLs) are not members; nor is an escaped quote the end of a string.
    ['{"ts":"2025-06-15T12:00:00+02:00","note":"a\\":b:c"}', 2],
    ['{"é":"ü:ü","日本":{"x":1}}', 3],
  ])('counts the members of %s as %d', (text, members) => {
    expect(scan(text)).toEqual({ ok: true, members });
    expect(countJsonMembers(JSON.parse(text))).toBe(members);
  });

  it('accepts exactly maxDepth levels and reports the byte that opens one more', () => {
    expect(scan('[[[1]]]', 3)).toEqual({ ok: true, members: 0 });
    expect(scan('[[[[1]]]]', 3)).toEqual({ ok: false, depth: 4, offset: 3 });
    expect(scan('{"a":[{"b":[1]}]}', 3)).toEqual({ ok: false, depth: 4, offset: 11 });
  });

  it('ignores brackets in strings, after an escaped backslash too', () => {
    expect(scan(`["${'['.repeat(100)}"]`, 1)).toEqual({ ok: true, members: 0 });
    expect(scan('["\\\\", [[1]]]', 2)).toEqual({ ok: false, depth: 3, offset: 8 });
  });

  it('stops at the limit instead of reading 100k brackets', () => {
    expect(scan('['.repeat(100_000))).toEqual({ ok: false, depth: 33, offset: 32 });
  });

  it('survives text that is not JSON (an unterminated string, stray closers, random bytes)', () => {
    expect(scan('"abc').ok).toBe(true);
    expect(scan(']]]}}}').ok).toBe(true);
    expect(scanJson(Uint8Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256), 32).ok).toBeDefined();
  });
});

describe('countJsonMembers', () => {
  it('sees one member where the text repeated a key (JSON.parse keeps the last)', () => {
    const text = '{"metrics":{"ph":7,"ph":15}}';
    expect(scan(text)).toEqual({ ok: true, members: 3 });
    expect(countJsonMembers(JSON.parse(text))).toBe(2);
  });

  it('counts an own "__proto__" key that JSON.parse created', () => {
    expect(countJsonMembers(JSON.parse('{"__proto__":{"a":1}}'))).toBe(2);
  });
});

describe('findDuplicateKey', () => {
  it.each([
    ['{"a":1,"a":2}', { key: 'a', path: '(top level)' }],
    ['{"a":{"b":1,"c":{"d":1,"d":2}}}', { key: 'd', path: 'a.c' }],
    ['[{"a":1},{"b":[1,{"x":1,"y":2,"x":3}]}]', { key: 'x', path: '[1].b[1]' }],
    ['{"a":"x,y:z}","b":1,"a\\u0000":1,"a\\u0000":2}', { key: 'a\u0000', path: '(top level)' }],
    ['{"we ird":{"k":1,"k":1}}', { key: 'k', path: '["we ird"]' }],
    ['{"\\u0061":1,"a":2}', { key: 'a', path: '(top level)' }],
  ])('finds the repeated key of %s', (text, expected) => {
    expect(findDuplicateKey(text)).toEqual(expected);
  });

  it('finds none where keys repeat only across objects', () => {
    expect(findDuplicateKey('[{"a":1,"b":{"a":2}},{"a":3}]')).toBeUndefined();
  });
});
