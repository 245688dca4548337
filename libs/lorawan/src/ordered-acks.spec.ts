import { OrderedAcks } from './ordered-acks';
import { reconnectDelay } from './reconnect-backoff';

describe('OrderedAcks', () => {
  it('releases PUBACKs in arrival order: an early answer waits for the older messages [MQTT-4.6.0-2]', () => {
    const acks = new OrderedAcks();
    const [one, two, three] = [acks.hold(11), acks.hold(12), acks.hold(13)];
    expect(acks.settle(three!, true)).toEqual({ acknowledge: [], blocked: false });
    expect(acks.settle(two!, true)).toEqual({ acknowledge: [], blocked: false });
    expect(acks.pending).toBe(1);
    expect(acks.settle(one!, true)).toEqual({ acknowledge: [11, 12, 13], blocked: false });
    expect(acks.size).toBe(0);
  });

  it('blocks behind a refused message: nothing after it may be acknowledged on this connection', () => {
    const acks = new OrderedAcks();
    const [one, two, three] = [acks.hold(1), acks.hold(2), acks.hold(3)];
    expect(acks.settle(one!, true)).toEqual({ acknowledge: [1], blocked: false });
    expect(acks.settle(three!, true)).toEqual({ acknowledge: [], blocked: false });
    expect(acks.settle(two!, false)).toEqual({ acknowledge: [], blocked: true });
    expect(acks.size).toBe(2);
  });

  it('keeps the first answer of a message', () => {
    const acks = new OrderedAcks();
    const only = acks.hold(7);
    acks.hold(8);
    acks.settle(only, false);
    expect(acks.settle(only, true)).toEqual({ acknowledge: [], blocked: true });
  });
});

describe('reconnectDelay', () => {
  const policy = { initialMs: 1_000, maxMs: 60_000 };

  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 7, 8, 50].map((attempt) => reconnectDelay(attempt, policy, () => 0))).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000]);
  });

  it('takes off up to a fifth at random, never more', () => {
    expect(reconnectDelay(2, policy, () => 1)).toBe(1_600);
    expect(reconnectDelay(2, policy, () => 0.5)).toBe(1_800);
  });
});
