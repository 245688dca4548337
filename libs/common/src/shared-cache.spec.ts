import { rereadKeys } from './shared-cache';

describe('rereadKeys', () => {
  it('reads each key, then at the swap sets what the database has and deletes what it no longer has, in the map current then', async () => {
    const stored = new Map([['kept', 'new value']]);
    let memory = new Map([
      ['kept', 'old value'],
      ['gone', 'old value'],
      ['other', 'untouched'],
    ]);
    const swap = await rereadKeys(['kept', 'gone'], async (key) => stored.get(key), () => memory);
    expect(memory.get('kept')).toBe('old value');
    // The cache replaced its map meanwhile (a whole reload): the swap applies to the new one.
    memory = new Map(memory);
    swap();
    expect(memory).toEqual(new Map([['kept', 'new value'], ['other', 'untouched']]));
  });
});
