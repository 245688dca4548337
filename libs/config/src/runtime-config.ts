import { ConfigReader } from './env-parsers';

export interface RuntimeConfig {
  /**
   * The size the JavaScript heap is kept under where what is live allows: after each full GC the heap may grow to
   * this before the next one (but at least 25 % past the live size). Null: V8 decides (up to 4× the live size).
   */
  readonly heapBudgetBytes: number | null;
}

/**
 * Measured on this machine (README, Performance): 10,000 connected devices keep ~140 MB live, full ingest load
 * ~50 MB. With this budget the first grows by the least (25 %) before a full GC (10,000 devices for 10 minutes: RSS
 * peak 322–327 MB instead of 475 MB over 3), the second about 3× as V8 would (no measurable extra GC work at full load).
 */
export const DEFAULT_HEAP_BUDGET_BYTES = 160 * 1024 * 1024;

export function readRuntimeConfig(read: ConfigReader): RuntimeConfig {
  const off = read.string('HUB_HEAP_BUDGET', '').toLowerCase() === 'off';
  return { heapBudgetBytes: off ? null : read.bytes('HUB_HEAP_BUDGET', DEFAULT_HEAP_BUDGET_BYTES, 32 * 1024 * 1024, 64 * 1024 ** 3) };
}
