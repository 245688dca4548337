import { commandId } from './command-id';

describe('commandId', () => {
  it('is a version 7 UUID whose first 48 bits are the time', () => {
    const id = commandId(Date.UTC(2026, 2, 1, 8, 0, 0));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 2, 1, 8, 0, 0));
  });

  it('sorts as text in the order made, within one millisecond, across milliseconds and when the clock steps back', () => {
    const at = Date.UTC(2026, 2, 1, 9, 0, 0);
    const ids = [...Array.from({ length: 5000 }, () => commandId(at)), commandId(at + 1), commandId(at - 10_000), commandId(at + 2)];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
