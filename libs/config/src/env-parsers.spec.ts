import { ConfigReader } from './env-parsers';

describe('ConfigReader records what it reads', () => {
  it('records each variable once, in reading order, with its default and what its error would call allowed', () => {
    const read = new ConfigReader({ HUB_B: 'lots' });
    read.duration('HUB_A', '5s', 1000, 60_000, 'how long');
    read.int('HUB_B', 3, 1, 9, 'how many');
    read.bytes('HUB_C', 256 * 1024, 64, 1024 ** 2, 'how big');
    read.portOrOff('HUB_D', null, 'where');
    expect(read.variables).toEqual([
      { name: 'HUB_A', default: '5s', allowed: 'a duration like 500ms, 30s, 5m, 12h or 7d, from 1000 ms to 60000 ms', description: 'how long' },
      { name: 'HUB_B', default: '3', allowed: 'a whole number from 1 to 9', description: 'how many' },
      { name: 'HUB_C', default: '256KiB', allowed: 'a size in bytes or with KiB/MiB/GiB, from 64 to 1048576 bytes', description: 'how big' },
      { name: 'HUB_D', default: 'off', allowed: 'a whole number from 0 to 65535, or off', description: 'where' },
    ]);
    expect(read.errors.map((error) => [error.variable, error.allowed])).toEqual([['HUB_B', 'a whole number from 1 to 9']]);
  });

  it('lets a later read with notes replace what an earlier look recorded, and a bare re-read keep it', () => {
    const read = new ConfigReader({});
    read.optionalString('HUB_X');
    read.int('HUB_X', 7, 1, 9, { description: 'a count, or off', allowed: 'a whole number from 1 to 9, or off' });
    read.string('HUB_X', '7');
    read.has('HUB_Y', { description: 'only with HUB_X', default: '(derived)' });
    expect(read.variables).toEqual([
      { name: 'HUB_X', default: '7', allowed: 'a whole number from 1 to 9, or off', description: 'a count, or off' },
      { name: 'HUB_Y', default: '(derived)', allowed: 'any text', description: 'only with HUB_X' },
    ]);
  });
});
