import { Counter, type Registry } from 'prom-client';
import type { ExportOutcome } from './csv-response';

export type ExportKind = 'readings' | 'alerts' | 'dead-letters';

/** hub_exports_total and hub_export_bytes_total: how often each export ran, how it ended, how much it sent. */
export class ExportMetrics {
  private readonly exports: Counter<'kind' | 'outcome'>;
  private readonly bytes: Counter<'kind'>;

  constructor(registry: Registry) {
    this.exports = new Counter({ name: 'hub_exports_total', help: 'CSV exports by kind and how they ended (complete, client-gone, failed)', labelNames: ['kind', 'outcome'], registers: [registry] });
    this.bytes = new Counter({ name: 'hub_export_bytes_total', help: 'Bytes of CSV sent by exports, by kind', labelNames: ['kind'], registers: [registry] });
  }

  ended(kind: ExportKind, result: ExportOutcome): void {
    this.exports.inc({ kind, outcome: result.outcome });
    this.bytes.inc({ kind }, result.bytes);
  }
}
