import { parseHeapMetrics } from './heap-recorder';

describe('parseHeapMetrics', () => {
  it('reads heap used, heap total and external memory in MB from Prometheus text', () => {
    const text = [
      '# HELP hub_nodejs_heap_size_total_bytes Process heap size from Node.js in bytes.',
      '# TYPE hub_nodejs_heap_size_total_bytes gauge',
      'hub_nodejs_heap_size_total_bytes 188743680',
      'hub_nodejs_heap_size_used_bytes 147849216',
      'hub_nodejs_heap_space_size_used_bytes{space="old"} 120000000',
      'hub_nodejs_external_memory_bytes 9437184',
    ].join('\n');
    expect(parseHeapMetrics(text, 12.5)).toEqual({ at: 12.5, heapUsedMb: 141, heapTotalMb: 180, externalMb: 9 });
  });

  it('gives null when a gauge is missing', () => {
    expect(parseHeapMetrics('hub_nodejs_heap_size_total_bytes 1\nhub_nodejs_heap_size_used_bytes 1\n', 0)).toBeNull();
  });
});
