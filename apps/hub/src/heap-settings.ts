import { constants, PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import type { RuntimeConfig } from '@hub/config';

/**
 * The least the heap may grow past what is live. 10 %, not more: with 10,000 devices ≈ 125 MB is live, and each
 * further 10 % is ≈ 12 MB of RSS; V8 still runs a full GC only after every ≈ 12 MB promoted (about once a minute
 * there). Measured side by side (docs/performance.md, "Memory with 10,000 devices"): 10 % with a 128 MiB budget
 * peaked at 280 MB over 3 minutes at 10,000 devices, 25 % with 160 MiB at 296–303 MB, with no difference in
 * end-to-end or burst rates.
 */
const MIN_GROWING_PERCENT = 10;
/** V8's own ceiling (a factor of 4). */
const MAX_GROWING_PERCENT = 300;
/** Where the growth starts, and how much it may rise per full GC (it falls at once). */
const FIRST_GROWING_PERCENT = 50;
const RISE_PER_GC = 50;

/** How far the heap may grow past `liveBytes` before the next full GC, to stay within `budgetBytes` where it can. */
export function heapGrowingPercent(liveBytes: number, budgetBytes: number): number {
  const percent = Math.floor((budgetBytes / Math.max(liveBytes, 1) - 1) * 100);
  return Math.min(MAX_GROWING_PERCENT, Math.max(MIN_GROWING_PERCENT, percent));
}

/** Live size up by more than this since the last full GC: it is climbing (devices connecting). */
const CLIMBING = 1.1;

/**
 * The growth to set after a full GC. V8 sets the next limit as a full GC ends, before it reports the GC, so a new
 * value counts only from the GC after. While the live size climbs (10,000 devices connecting) a value chosen for
 * the smaller live size would let the heap grow far past the budget, so the growth rises only while the live size
 * holds, 50 points per full GC, and falls at once.
 */
export function nextGrowingPercent(current: number, target: number, climbing: boolean): number {
  if (target <= current) return target;
  return climbing ? current : Math.min(target, current + RISE_PER_GC);
}

/**
 * Keeps the heap near its budget: after every full GC, what is still in use is about what is live, and V8 is told
 * how far the heap may grow past it before collecting again (V8 reads --heap-growing-percent each time it sets that
 * limit, so the flag works at run time). Left alone, V8 grows a heap by up to 4× what is live: cheap at full load
 * (little is live), but 475 MB of RSS with 10,000 connections (much is live, per connection).
 */
export function applyHeapSettings(runtime: RuntimeConfig): void {
  const budget = runtime.heapBudgetBytes;
  if (budget === null) return;
  let current = FIRST_GROWING_PERCENT;
  let lastLive = getHeapStatistics().used_heap_size;
  setFlagsFromString(`--heap-growing-percent=${current}`);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const live = getHeapStatistics().used_heap_size;
      const next = nextGrowingPercent(current, heapGrowingPercent(live, budget), live > lastLive * CLIMBING);
      lastLive = live;
      if (next === current) continue;
      setFlagsFromString(`--heap-growing-percent=${next}`);
      current = next;
    }
  }).observe({ entryTypes: ['gc'] });
}
