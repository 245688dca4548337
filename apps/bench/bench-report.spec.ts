import { cpuBudgetOf, cpuPerUnit, serviceSettingsLine } from './bench-report';
import type { EndToEndResult } from './end-to-end';
import type { UsageReport } from './phase-support';

const usageOf = (cpu: Record<string, number | null>): UsageReport => ({
  processes: Object.fromEntries(
    Object.entries(cpu).map(([name, cpuPercent]) => [
      name,
      cpuPercent === null ? null : { cpuPercent, cpuPercentPeak: cpuPercent, rssMbPeak: 0, rssMbEnd: 0, rssMbHighWater: 0 },
    ]),
  ),
  machine: null,
  otherCpuPercent: null,
});

describe('cpuPerUnit', () => {
  it('turns a process CPU share at a rate into microseconds of CPU per unit', () => {
    // One core busy at 40,000 readings/s: 25 µs each; 30 % of a core: 7.5 µs.
    expect(cpuPerUnit(usageOf({ service: 100, influxd: 30, gone: null }), 40_000)).toEqual({ service: 25, influxd: 7.5, gone: null });
    expect(cpuPerUnit(usageOf({ service: 100 }), 0)).toEqual({ service: null });
  });
});

describe('cpuBudgetOf', () => {
  it('sets the whole machine against the target rate and sums the processes of the end-to-end phase, the orchestrator aside', () => {
    const e2e = {
      sustained: { readingsPerSecond: 40_000, usage: usageOf({ service: 110, influxd: 30, loadGenerator: 12, orchestrator: 4 }) },
      burst: { readingsPerSecond: 100_000, usage: usageOf({ service: 100, influxd: 70, loadGenerator: null }) },
      http: { readingsPerSecond: 5000, usage: usageOf({ service: 30, influxd: 5, loadGenerator: 10 }) },
    } as unknown as EndToEndResult;
    expect(cpuBudgetOf(2, undefined, undefined, e2e)).toEqual({
      targetMicrosPerReading: 22.2,
      endToEnd: { service: 27.5, influxd: 7.5, loadGenerator: 3, orchestrator: 1, total: 38 },
      burst: { service: 10, influxd: 7, loadGenerator: null, total: null },
      http: { service: 60, influxd: 10, loadGenerator: 20, total: 90 },
      brokerLimit: null,
      influxLimit: null,
    });
    expect(cpuBudgetOf(2, undefined, undefined, undefined)).toBeNull();
  });
});

describe('serviceSettingsLine', () => {
  it('names every setting and Node flag the service ran with beyond its defaults', () => {
    expect(serviceSettingsLine({}, [])).toBe('Service settings: defaults');
    expect(serviceSettingsLine({ HUB_HEAP_BUDGET: '128MiB', MALLOC_ARENA_MAX: '2' }, ['--max-semi-space-size=4'])).toBe(
      'Service settings: defaults but HUB_HEAP_BUDGET=128MiB, MALLOC_ARENA_MAX=2, node --max-semi-space-size=4',
    );
  });
});
