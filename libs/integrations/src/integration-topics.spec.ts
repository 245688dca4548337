import { MetricCatalogue } from '@hub/contract';
import { filterRefusal, topicSubject } from './integration-topics';

describe('filterRefusal', () => {
  const water = ['water' as const];

  it('lets a domain-scoped client subscribe to its own domain in the telemetry and alert trees', () => {
    for (const filter of ['sensors/water/#', 'sensors/water/+/telemetry', 'sensors/water/w-1/status', 'alerts/water/#', 'alerts/water/critical/+', 'sensors/water']) {
      expect([filter, filterRefusal(filter, water, MetricCatalogue.BUILT_IN)]).toEqual([filter, null]);
    }
  });

  it('refuses whatever could match another domain, another tree or the broker itself', () => {
    expect(filterRefusal('sensors/gas/#', water, MetricCatalogue.BUILT_IN)).toBe('gas is outside this client\'s domains (water)');
    expect(filterRefusal('sensors/#', water, MetricCatalogue.BUILT_IN)).toMatch(/^"#" in the domain level also matches domains this client may not read; it may read water/);
    expect(filterRefusal('sensors/+/w-1/telemetry', water, MetricCatalogue.BUILT_IN)).toMatch(/^"\+" in the domain level/);
    expect(filterRefusal('#', water, MetricCatalogue.BUILT_IN)).toBe('integration clients read only under sensors/ and alerts/, e.g. sensors/water/# or alerts/water/#');
    expect(filterRefusal('+/water/#', water, MetricCatalogue.BUILT_IN)).toMatch(/^integration clients read only under/);
    expect(filterRefusal('$SYS/#', water, MetricCatalogue.BUILT_IN)).toMatch(/^integration clients read only under/);
    expect(filterRefusal('sensors', water, MetricCatalogue.BUILT_IN)).toBe('name a domain (or + for all), e.g. sensors/water/# or alerts/water/#');
    expect(filterRefusal('sensors/wtaer/#', water, MetricCatalogue.BUILT_IN)).toBe('"wtaer" is not a domain; it must be one of water, power, gas, heat, traffic');
  });

  it('lets a client of every domain use wildcards within the readable trees, but never #', () => {
    expect(filterRefusal('sensors/#', [], MetricCatalogue.BUILT_IN)).toBeNull();
    expect(filterRefusal('alerts/+/critical/+', [], MetricCatalogue.BUILT_IN)).toBeNull();
    expect(filterRefusal('#', [], MetricCatalogue.BUILT_IN)).toMatch(/^integration clients read only under/);
    expect(filterRefusal('devices/w-1/config', [], MetricCatalogue.BUILT_IN)).toMatch(/^integration clients read only under/);
  });
});

describe('topicSubject', () => {
  it('names the device and domain of telemetry, status and alert topics', () => {
    expect(topicSubject('sensors/water/w-1/telemetry')).toEqual({ domain: 'water', deviceId: 'w-1' });
    expect(topicSubject('sensors/gas/g_7/status')).toEqual({ domain: 'gas', deviceId: 'g_7' });
    expect(topicSubject('alerts/power/critical/p-3')).toEqual({ domain: 'power', deviceId: 'p-3' });
  });

  it('knows nothing of any other topic', () => {
    for (const topic of ['sensors/water/w-1/config', 'sensors/Oil/o-1/telemetry', 'alerts/water/severe/w-1', 'alerts/water/critical', 'alerts/water/critical/w.1', '$SYS/x/uptime', 'other']) {
      expect([topic, topicSubject(topic)]).toEqual([topic, null]);
    }
  });
});
