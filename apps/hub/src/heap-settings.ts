import { setFlagsFromString } from 'node:v8';
import type { RuntimeConfig } from '../../../libs/config/src';

/**
 * Applies the V8 heap settings of the configuration, first thing at boot. V8 reads --heap-growing-percent at every
 * full GC, so setting it at run time works (semi-space sizes, by contrast, are fixed when the heap is created and
 * would need a command-line flag in every way the service is started). See README, Performance, for what it costs.
 */
export function applyHeapSettings(runtime: RuntimeConfig): void {
  if (runtime.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${runtime.heapGrowingPercent}`);
}
