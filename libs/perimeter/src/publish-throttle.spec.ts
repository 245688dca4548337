import { PublishThrottle, PublishThrottleListener } from './publish-throttle';

interface FakeClient {
  readonly id: string;
}

describe('PublishThrottle', () => {
  let events: string[];
  let listener: PublishThrottleListener<FakeClient>;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    events = [];
    listener = {
      delayed: (client) => events.push(`delayed ${client.id}`),
      abusive: (client, throttledForMs, dropped) => events.push(`abusive ${client.id} after ${throttledForMs} ms, ${dropped} dropped`),
    };
  });

  afterEach(() => jest.useRealTimers());

  it('lets the burst through at once, then releases the rest at the rate, in order, losing nothing', () => {
    const throttle = new PublishThrottle<FakeClient>({ perSecond: 10, burst: 3, abuseAfterMs: null }, listener);
    const device = { id: 'w-1' };
    const proceeded: number[] = [];
    for (let message = 1; message <= 8; message++) throttle.admit(device, () => proceeded.push(message));
    expect(proceeded).toEqual([1, 2, 3]);
    expect(events.filter((event) => event === 'delayed w-1')).toHaveLength(5);
    expect(throttle.throttledClients).toBe(1);
    jest.advanceTimersByTime(100);
    expect(proceeded).toEqual([1, 2, 3, 4]);
    jest.advanceTimersByTime(400);
    expect(proceeded).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(throttle.throttledClients).toBe(0);
  });

  it('queues behind waiting messages even when a token has come in meanwhile (order is kept)', () => {
    const throttle = new PublishThrottle<FakeClient>({ perSecond: 10, burst: 1, abuseAfterMs: null }, listener);
    const device = { id: 'w-1' };
    const proceeded: string[] = [];
    throttle.admit(device, () => proceeded.push('a'));
    throttle.admit(device, () => proceeded.push('b'));
    jest.setSystemTime(150); // a token is due, but b's timer has not fired yet
    throttle.admit(device, () => proceeded.push('c'));
    expect(proceeded).toEqual(['a']);
    jest.advanceTimersByTime(200);
    expect(proceeded).toEqual(['a', 'b', 'c']);
  });

  it('counts each client id on its own, across reconnects', () => {
    const throttle = new PublishThrottle<FakeClient>({ perSecond: 1, burst: 2, abuseAfterMs: null }, listener);
    const proceeded: string[] = [];
    const first = { id: 'w-1' };
    throttle.admit(first, () => proceeded.push('w-1 a'));
    throttle.admit(first, () => proceeded.push('w-1 b'));
    throttle.admit({ id: 'w-2' }, () => proceeded.push('w-2 a'));
    // w-1 reconnects on a new connection: its bucket is still empty.
    throttle.release(first);
    throttle.admit({ id: 'w-1' }, () => proceeded.push('w-1 c'));
    expect(proceeded).toEqual(['w-1 a', 'w-1 b', 'w-2 a']);
    jest.advanceTimersByTime(1000);
    expect(proceeded).toEqual(['w-1 a', 'w-1 b', 'w-2 a', 'w-1 c']);
  });

  it('drops what a closed connection had waiting', () => {
    const throttle = new PublishThrottle<FakeClient>({ perSecond: 1, burst: 1, abuseAfterMs: null }, listener);
    const device = { id: 'w-1' };
    const proceeded: number[] = [];
    for (let message = 1; message <= 4; message++) throttle.admit(device, () => proceeded.push(message));
    expect(throttle.release(device)).toBe(3);
    jest.advanceTimersByTime(10_000);
    expect(proceeded).toEqual([1]);
    expect(throttle.throttledClients).toBe(0);
  });

  it('reports a client held back without a break for the abuse time, and releases it', () => {
    const throttle = new PublishThrottle<FakeClient>({ perSecond: 10, burst: 1, abuseAfterMs: 5000 }, listener);
    const flooder = { id: 'flood' };
    // Like aedes: a batch of packets, the next batch only once the current one has been let through; nothing more
    // once the connection is closed.
    const sendBatch = (size: number): void => {
      let pending = size;
      for (let index = 0; index < size && !events.some((event) => event.startsWith('abusive')); index++) {
        throttle.admit(flooder, () => --pending === 0 && setTimeout(() => sendBatch(size), 0));
      }
    };
    sendBatch(20);
    jest.advanceTimersByTime(4900);
    expect(events.some((event) => event.startsWith('abusive'))).toBe(false);
    jest.advanceTimersByTime(2000);
    const abusive = events.filter((event) => event.startsWith('abusive'));
    expect(abusive).toHaveLength(1);
    expect(abusive[0]).toMatch(/^abusive flood after 50\d\d ms, \d+ dropped$/);
    expect(throttle.throttledClients).toBe(0);
  });

  it('does not treat a device that pauses between bursts as abusive', () => {
    const throttle = new PublishThrottle<FakeClient>({ perSecond: 10, burst: 5, abuseAfterMs: 3000 }, listener);
    const device = { id: 'w-1' };
    for (let round = 0; round < 10; round++) {
      for (let message = 0; message < 10; message++) throttle.admit(device, () => undefined);
      jest.advanceTimersByTime(2600); // 0.5 s to catch up, then 2.1 s quiet
    }
    expect(events.filter((event) => event.startsWith('abusive'))).toEqual([]);
  });

  it('lets everything through at once without a limit', () => {
    const throttle = new PublishThrottle<FakeClient>(null, listener);
    let proceeded = 0;
    for (let message = 0; message < 10_000; message++) throttle.admit({ id: 'w-1' }, () => proceeded++);
    expect(proceeded).toBe(10_000);
    expect(events).toEqual([]);
  });

  it('forgets quiet client ids', () => {
    const throttle = new PublishThrottle<FakeClient>({ perSecond: 1, burst: 1, abuseAfterMs: null }, listener);
    const proceeded: string[] = [];
    throttle.admit({ id: 'w-1' }, () => proceeded.push('a'));
    throttle.sweep(5000);
    // Forgotten means a fresh, full bucket: the next message goes through at once.
    jest.setSystemTime(5000);
    throttle.admit({ id: 'w-1' }, () => proceeded.push('b'));
    expect(proceeded).toEqual(['a', 'b']);
  });
});
