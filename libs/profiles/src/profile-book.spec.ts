import type { DeviceProfile } from './device-profile';
import { ProfileBook } from './profile-book';

const receivedAt = new Date('2026-12-05T08:00:00Z');
const profile = (version: number, source: string): DeviceProfile => ({
  id: 'p',
  name: 'p',
  description: '',
  domain: 'water',
  decoder: { kind: 'script', source },
  networkServerObject: false,
  samples: [],
  version,
  createdAt: 0,
  createdBy: 'ada',
  updatedAt: 0,
  updatedBy: 'ada',
});
const codec = (value: number) => `function decodeUplink(input) { return { data: { ph: ${value} } }; }`;

describe('ProfileBook', () => {
  it('builds a loaded profile\'s decoder once, on first use, and runs the new version\'s decoder after a change', async () => {
    const book = new ProfileBook();
    book.load([profile(1, codec(7))]);
    const build = jest.spyOn(book, 'build');
    const first = book.decoderFor('p')!;
    expect(await first.decode({ bytes: new Uint8Array(0), receivedAt })).toEqual({ readings: [{ metrics: { ph: 7 } }], warnings: [] });
    expect(await first.decode({ bytes: new Uint8Array(0), receivedAt })).toEqual({ readings: [{ metrics: { ph: 7 } }], warnings: [] });
    expect(build).toHaveBeenCalledTimes(1);
    const next = profile(2, codec(8));
    book.put(next, await book.build(next));
    expect(await book.decoderFor('p')!.decode({ bytes: new Uint8Array(0), receivedAt })).toEqual({ readings: [{ metrics: { ph: 8 } }], warnings: [] });
    expect(book.statsOf('p')).toMatchObject({ decoded: 3, refused: 0 });
    expect(book.statsOf('p').meanMicros).toBeGreaterThan(0);
    book.remove('p');
    expect(book.decoderFor('p')).toBeUndefined();
    expect(book.statsOf('p')).toEqual({ decoded: 0, refused: 0, meanMicros: null });
  });

  it('refuses every message of a stored profile whose decoder no longer builds, naming the problem, and counts it', async () => {
    const book = new ProfileBook();
    book.load([profile(1, 'function notTheDecoder() {}')]);
    const outcome = await book.decoderFor('p')!.decode({ bytes: new Uint8Array(0), receivedAt });
    expect(outcome).toEqual({ reason: 'DECODER_ERROR', detail: expect.stringMatching(/^profile p's decoder does not build: source /) as unknown as string });
    expect(book.statsOf('p')).toMatchObject({ decoded: 0, refused: 0 });
    expect(book.domainOf('p')).toBe('water');
    expect(book.domainOf('q')).toBeUndefined();
  });
});
