import { ConfigReader } from './env-parsers';

export interface RuntimeConfig {
  /**
   * How far V8 lets the old generation grow past what was live after a full GC before it collects again, in
   * percent (100: to twice the live size); 0 leaves it to V8, which lets a busy heap grow to up to four times.
   */
  readonly heapGrowingPercent: number;
}

/** Measured on this machine with 10,000 connected devices and at full ingest load: see README, Performance. */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;

export function readRuntimeConfig(read: ConfigReader): RuntimeConfig {
  return { heapGrowingPercent: read.int('HUB_HEAP_GROWING_PERCENT', DEFAULT_HEAP_GROWING_PERCENT, 0, 400) };
}
