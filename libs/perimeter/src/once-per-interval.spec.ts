import { OncePerInterval } from './once-per-interval';

describe('OncePerInterval', () => {
  it('lets the first occurrence per key and interval through and counts the rest', () => {
    const gate = new OncePerInterval(60_000);
    expect(gate.occurrence('a', 0)).toBe(0);
    expect(gate.occurrence('a', 1)).toBeNull();
    expect(gate.occurrence('a', 59_999)).toBeNull();
    expect(gate.occurrence('b', 5)).toBe(0);
    expect(gate.occurrence('a', 60_000)).toBe(2);
    expect(gate.occurrence('a', 60_001)).toBeNull();
  });

  it('hands back what was never logged when it forgets a key', () => {
    const gate = new OncePerInterval(1000);
    gate.occurrence('quiet', 0);
    gate.occurrence('noisy', 0);
    gate.occurrence('noisy', 10);
    gate.occurrence('noisy', 20);
    expect(gate.sweep(999)).toEqual([]);
    expect(gate.size).toBe(2);
    expect(gate.sweep(1000)).toEqual([{ key: 'noisy', suppressed: 2 }]);
    expect(gate.size).toBe(0);
  });
});
