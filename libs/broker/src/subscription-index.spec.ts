import { SubscriptionIndex, topicMatchesFilter } from './subscription-index';

describe('topicMatchesFilter', () => {
  it.each([
    ['sensors/water/w-1/telemetry', 'sensors/water/w-1/telemetry', true],
    ['sensors/water/w-1/telemetry', 'sensors/water/w-1/status', false],
    ['sensors/water/w-1/telemetry', 'sensors/+/w-1/telemetry', true],
    ['sensors/water/w-1/telemetry', 'sensors/+/+/+', true],
    ['sensors/water/w-1/telemetry', 'sensors/+/+', false],
    ['sensors/water/w-1/telemetry', 'sensors/water/#', true],
    ['sensors/water/w-1/telemetry', 'sensors/power/#', false],
    ['sensors/water/w-1/telemetry', '#', true],
    ['sensors/water/w-1/telemetry', 'sensors/water/w-1/telemetry/#', true],
    ['sensors/water/w-1/telemetry', 'sensors/water/w-1/telemetry/+', false],
    ['sensors/water/w-1/telemetry', 'sensors/water/w-1', false],
    ['sensors/water/w-1/telemetry', 'Sensors/water/w-1/telemetry', false],
    ['sensors', 'sensors/#', true],
    ['sensors/', 'sensors/+', true],
    ['sensors/water/w-1/telemetry', '$share/scada/sensors/water/#', true],
    ['sensors/water/w-1/telemetry', '$share/scada/sensors/gas/#', false],
    ['sensors/water/w-1/telemetry', '$SYS/#', false],
    ['$SYS/broker/new/clients', '#', false],
    ['$SYS/broker/new/clients', '+/broker/new/clients', false],
    ['$SYS/broker/new/clients', '$SYS/+/new/clients', true],
  ])('%s against %s: %s', (topic, filter, expected) => {
    expect(topicMatchesFilter(topic, filter)).toBe(expected);
  });
});

describe('SubscriptionIndex', () => {
  const topic = 'sensors/water/w-1/telemetry';

  it('has no subscriber for any topic while nobody subscribes', () => {
    expect(new SubscriptionIndex().mayHaveSubscriber(topic)).toBe(false);
  });

  it('matches a topic against the filters held', () => {
    const index = new SubscriptionIndex();
    index.subscribed('scada', ['sensors/gas/#', 'sensors/+/w-1/status']);
    expect(index.mayHaveSubscriber(topic)).toBe(false);
    expect(index.mayHaveSubscriber('sensors/gas/g-1/telemetry')).toBe(true);
    expect(index.mayHaveSubscriber('sensors/water/w-1/status')).toBe(true);
    index.subscribed('dashboard', ['sensors/water/w-1/telemetry']);
    expect(index.mayHaveSubscriber(topic)).toBe(true);
  });

  it('keeps a filter until the last client holding it unsubscribes', () => {
    const index = new SubscriptionIndex();
    index.subscribed('a', ['sensors/water/#']);
    index.subscribed('b', ['sensors/water/#', 'sensors/gas/#']);
    index.subscribed('b', ['sensors/water/#']);
    expect(index.filterCount).toBe(2);
    index.unsubscribed('a', ['sensors/water/#']);
    expect(index.mayHaveSubscriber(topic)).toBe(true);
    index.unsubscribed('b', ['sensors/water/#', 'sensors/never-subscribed/#']);
    expect(index.mayHaveSubscriber(topic)).toBe(false);
    expect(index.filterCount).toBe(1);
    index.unsubscribed('b', ['sensors/gas/#']);
    expect(index.filterCount).toBe(0);
  });

  it('treats every topic as wanted once more filters are held than a lookup should scan', () => {
    const index = new SubscriptionIndex();
    for (let n = 0; n < 64; n++) index.subscribed(`client-${n}`, [`sensors/gas/g-${n}/telemetry`]);
    expect(index.mayHaveSubscriber(topic)).toBe(false);
    index.subscribed('client-64', ['sensors/gas/g-64/telemetry']);
    expect(index.mayHaveSubscriber(topic)).toBe(true);
    index.unsubscribed('client-64', ['sensors/gas/g-64/telemetry']);
    expect(index.mayHaveSubscriber(topic)).toBe(false);
  });
});
