/**
 * The spool's refusal of an append that would pass its cap; nothing of the batch was written. The writer's BatchSpool
 * port (pipeline) names this type, and the writer tells "full" (keep the batch in memory, retry InfluxDB) from a disk
 * failure with `instanceof`.
 */
export class SpoolFullError extends Error {
  constructor(readonly bytes: number, readonly maxBytes: number) {
    super(`outage spool is full (${bytes} of ${maxBytes} bytes)`);
    this.name = 'SpoolFullError';
  }
}
