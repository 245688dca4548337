import type { DeviceAreaLookup, Principal } from '@hub/access';
import type { ExportAudit } from './export-audit';
import type { Alert, AlertEvent, AlertFilter } from '@hub/alerts';
import type { DeadLetterRepository } from '@hub/pipeline';
import { alertsExport, type AlertsExportFilter } from './alerts-export';
import type { CsvExport } from './csv-export';
import { deadLettersExport, type DeadLettersExportFilter } from './dead-letters-export';
import type { ExportMetrics } from './export-metrics';
import type { ReadingsExportService } from './readings-export.service';

export interface ExportsDeps {
  readonly readings: ReadingsExportService;
  /** The alert workflow's list (by filter, within a scope) and history. */
  readonly alerts: { list(filter: AlertFilter): Promise<{ items: Alert[] }>; history(id: number): Promise<AlertEvent[]> };
  readonly deadLetters: Pick<DeadLetterRepository, 'page'>;
  readonly areaOf: DeviceAreaLookup;
  readonly audit: ExportAudit;
  readonly timeZone: string;
  readonly metrics: ExportMetrics;
}

/** The three exports behind ExportsController, each checked, scoped and audited when prepared. */
export class ExportsService {
  readonly readings: ReadingsExportService;
  readonly metrics: ExportMetrics;
  private readonly stop = new AbortController();
  /** Aborted when the hub stops: exports still streaming are cut short, so closing the HTTP server does not wait for them. */
  readonly stopping: AbortSignal = this.stop.signal;

  constructor(private readonly deps: ExportsDeps) {
    this.readings = deps.readings;
    this.metrics = deps.metrics;
  }

  /** Nest's hook, before the HTTP server closes (it waits for open responses; an export may run for minutes). */
  beforeApplicationShutdown(): void {
    this.stop.abort();
  }

  alerts(principal: Pick<Principal, 'name' | 'scope'>, filter: AlertsExportFilter): Promise<CsvExport> {
    const { alerts, audit, timeZone } = this.deps;
    return alertsExport({ list: (query) => alerts.list(query), history: (id) => alerts.history(id), audit, timeZone }, principal, filter);
  }

  deadLetters(principal: Pick<Principal, 'name' | 'scope'>, filter: DeadLettersExportFilter): Promise<CsvExport> {
    const { deadLetters, areaOf, audit, timeZone } = this.deps;
    return deadLettersExport({ page: (query) => deadLetters.page(query), areaOf, audit, timeZone }, principal, filter);
  }
}
