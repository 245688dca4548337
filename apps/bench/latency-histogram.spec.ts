import { LatencyHistogram, summarise } from './latency-histogram';

describe('LatencyHistogram', () => {
  it('gives nearest-rank percentiles to 0.1 ms', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    expect(histogram.summary()).toEqual({ count: 1000, p50Ms: 500, p90Ms: 900, p99Ms: 990, maxMs: 1000 });
  });

  it('keeps values beyond its range in the last bucket and the true maximum', () => {
    expect(summarise([5, 120_000])).toEqual({ count: 2, p50Ms: 5, p90Ms: 60_000, p99Ms: 60_000, maxMs: 120_000 });
  });

  it('says nothing rather than zero when nothing was recorded', () => {
    expect(summarise([])).toEqual({ count: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null });
  });
});
