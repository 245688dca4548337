import { AckSequencer } from './ordered-acks';

describe('AckSequencer', () => {
  it('releases callbacks in reservation order even when settled out of order', () => {
    const sequencer = new AckSequencer();
    const released: string[] = [];
    const first = sequencer.reserve(() => released.push('first'));
    const second = sequencer.reserve(() => released.push('second'));
    const third = sequencer.reserve(() => released.push('third'));

    third();
    second();
    expect(released).toEqual([]);
    expect(sequencer.pending).toBe(3);

    first();
    expect(released).toEqual(['first', 'second', 'third']);
    expect(sequencer.pending).toBe(0);
  });

  it('passes each slot its own error', () => {
    const sequencer = new AckSequencer();
    const outcomes: (string | null)[] = [];
    const record = (error?: Error | null) => outcomes.push(error ? error.message : null);
    const ok = sequencer.reserve(record);
    const failed = sequencer.reserve(record);
    failed(new Error('store unwritable'));
    ok();
    expect(outcomes).toEqual([null, 'store unwritable']);
  });

  it('keeps order across many slots and compaction', () => {
    const sequencer = new AckSequencer();
    const released: number[] = [];
    const settles = Array.from({ length: 5000 }, (_, index) => sequencer.reserve(() => released.push(index)));
    // Settle all but the first in reverse, then the first: everything must come out 0..4999.
    for (let index = settles.length - 1; index >= 1; index--) settles[index]();
    expect(released).toEqual([]);
    settles[0]();
    expect(released).toEqual(Array.from({ length: 5000 }, (_, index) => index));
    const late = sequencer.reserve(() => released.push(-1));
    late();
    expect(released[released.length - 1]).toBe(-1);
  });
});
