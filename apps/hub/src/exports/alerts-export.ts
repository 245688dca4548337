import type { Principal } from '@hub/access';
import type { ExportAudit } from './export-audit';
import { toAlertEventView, toAlertView, type Alert, type AlertEvent, type AlertFilter } from '@hub/alerts';
import { csvRecord, inertText, ZonedTimeFormatter } from '@hub/common';
import { fileTime, PieceBuffer, type CsvExport } from './csv-export';

/** Stable, documented in docs/operations.md (Exports): one row per history entry, the alert's own fields repeated on each. */
export const ALERT_COLUMNS = [
  'alert_id',
  'rule_id',
  'rule_name',
  'severity',
  'domain',
  'metric',
  'unit',
  'device_id',
  'town',
  'village',
  'state',
  'resolution',
  'started_at_utc',
  'started_at_local',
  'resolved_at_utc',
  'resolved_at_local',
  'peak',
  'summary',
  'event_id',
  'event_at_utc',
  'event_at_local',
  'event',
  'actor',
  'from_state',
  'to_state',
  'note',
] as const;

/** Alerts read per page; each page's histories are read with it. */
const PAGE = 500;

export interface AlertsExportDeps {
  readonly list: (filter: AlertFilter) => Promise<{ items: Alert[] }>;
  readonly history: (alertId: number) => Promise<AlertEvent[]>;
  readonly audit: ExportAudit;
  readonly timeZone: string;
  readonly now?: () => number;
}

/** The list filter of GET /api/alerts, without paging: an export takes every alert that matches. */
export type AlertsExportFilter = Omit<AlertFilter, 'beforeId' | 'limit' | 'within'>;

/**
 * Alerts with their history (GET /api/exports/alerts.csv): what GET /api/alerts lists for the same filter, limited to
 * the caller's towns and domains in the same SQL, newest alert first, each alert's history oldest first. Paged by id
 * from SQLite, so the file is never held.
 */
export async function alertsExport(deps: AlertsExportDeps, principal: Pick<Principal, 'name' | 'scope'>, filter: AlertsExportFilter): Promise<CsvExport> {
  await deps.audit.record({ actor: principal.name, action: 'export.alerts', targetType: 'alert', targetId: null, detail: describeFilter(filter) });
  return {
    fileName: `alerts-${fileTime((deps.now ?? Date.now)())}.csv`,
    async *pieces(signal: AbortSignal): AsyncGenerator<string> {
      const localTime = new ZonedTimeFormatter(deps.timeZone);
      const local = (iso: string | null): string | null => (iso === null ? null : localTime.format(Date.parse(iso)));
      const buffer = new PieceBuffer(csvRecord(ALERT_COLUMNS));
      let beforeId: number | undefined;
      for (;;) {
        signal.throwIfAborted();
        const { items } = await deps.list({ ...filter, within: principal.scope, limit: PAGE, ...(beforeId === undefined ? {} : { beforeId }) });
        let records = '';
        let rows = 0;
        for (const alert of items) {
          const view = toAlertView(alert);
          const own = [view.id, view.ruleId, view.ruleName, view.severity, view.domain, view.metric, view.unit, view.deviceId, view.town, view.village, view.state, view.resolution, view.startedAt, local(view.startedAt), view.resolvedAt, local(view.resolvedAt), view.peak, inertText(view.summary)];
          for (const event of (await deps.history(alert.id)).map(toAlertEventView)) {
            records += csvRecord([...own, event.id, event.at, local(event.at), event.kind, event.actor, event.fromState, event.toState, inertText(event.note)]);
            rows++;
          }
        }
        const piece = buffer.add(records, rows);
        if (piece !== undefined) yield piece;
        if (items.length < PAGE) break;
        beforeId = items[items.length - 1].id;
      }
      const rest = buffer.rest();
      if (rest !== undefined) yield rest;
    },
  };
}

function describeFilter(filter: AlertsExportFilter): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    detail[key] = (key === 'from' || key === 'to') && typeof value === 'number' ? new Date(value).toISOString() : value;
  }
  return detail;
}
