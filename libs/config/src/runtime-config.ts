import { bytesAllowed, ConfigReader, formatBytes } from './env-parsers';

export interface RuntimeConfig {
  /**
   * The size the JavaScript heap is kept under where what is live allows: after each full GC the heap may grow to
   * this before the next one (but at least 10 % past the live size). Null: V8 decides (up to 4× the live size).
   */
  readonly heapBudgetBytes: number | null;
}

/**
 * Measured on this machine (docs/performance.md): 10,000 connected devices keep ~125 MB live, full ingest load
 * ~50 MB. With this budget the first grows by the least (10 %) before a full GC (10,000 devices for 3 minutes: RSS
 * peak 280 MB, against 296–303 MB with 160 MiB and 25 %, and 475 MB left to V8), the second about 2.5× (paired
 * end-to-end and burst runs showed no cost against 160 MiB).
 */
export const DEFAULT_HEAP_BUDGET_BYTES = 128 * 1024 * 1024;

export function readRuntimeConfig(read: ConfigReader): RuntimeConfig {
  const [min, max] = [32 * 1024 * 1024, 64 * 1024 ** 3];
  const notes = {
    description: 'size the JavaScript heap is kept under where what is live allows (after each full GC it may grow to this, but at least 10 % past what is live); off leaves it to V8 (up to 4× what is live)',
    default: formatBytes(DEFAULT_HEAP_BUDGET_BYTES),
    allowed: `${bytesAllowed(min, max)}, or off`,
  };
  const off = read.optionalString('HUB_HEAP_BUDGET', notes)?.toLowerCase() === 'off';
  return { heapBudgetBytes: off ? null : read.bytes('HUB_HEAP_BUDGET', DEFAULT_HEAP_BUDGET_BYTES, min, max, notes) };
}
