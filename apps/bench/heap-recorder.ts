import { HubProcess } from '@hub/test-harness';

/** The service's own memory figures (prom-client's default metrics on /metrics), one sample. */
export interface HeapSample {
  /** Seconds since the recorder started. */
  readonly at: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  /** Memory of Buffers and typed arrays outside the JavaScript heap. */
  readonly externalMb: number;
}

const METRICS = {
  heapUsedMb: 'hub_nodejs_heap_size_used_bytes',
  heapTotalMb: 'hub_nodejs_heap_size_total_bytes',
  externalMb: 'hub_nodejs_external_memory_bytes',
} as const;

/** Reads the three gauges from Prometheus text; null when one is missing. */
export function parseHeapMetrics(text: string, at: number): HeapSample | null {
  const values: Record<string, number> = {};
  for (const [key, metric] of Object.entries(METRICS)) {
    const match = new RegExp(`^${metric} ([0-9.e+]+)$`, 'm').exec(text);
    if (!match) return null;
    values[key] = Math.round(Number(match[1]) / 1024 / 1024);
  }
  return { at, heapUsedMb: values.heapUsedMb, heapTotalMb: values.heapTotalMb, externalMb: values.externalMb };
}

/**
 * Polls /metrics during the connection-scale run, so that RSS can be read against what the JavaScript heap holds
 * (used: live plus garbage not yet collected; total: what V8 has reserved) and what lies outside it.
 */
export class HeapRecorder {
  readonly samples: HeapSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private started = 0;

  constructor(private readonly hub: HubProcess) {}

  start(intervalMs: number): void {
    this.started = Date.now();
    const poll = (): void => {
      fetch(`${this.hub.httpUrl}/metrics`)
        .then((response) => response.text())
        .then((text) => {
          const sample = parseHeapMetrics(text, Math.round((Date.now() - this.started) / 100) / 10);
          if (sample) this.samples.push(sample);
        })
        .catch(() => undefined);
    };
    poll();
    this.timer = setInterval(poll, intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
