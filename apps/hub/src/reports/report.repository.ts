import type { Severity } from '@hub/api-types';
import type { SqliteDatabase } from '@hub/store';
import type { NotifyLanguage } from '@hub/notify';
import type { ReportDefinition } from './report-definition';
import type { ReportFigures, ReportedAlert } from './report-figures';
import type { ReportPeriodKind } from './report-period';

/** One email delivery of a run: pending until sent, or given up on after its attempts. */
export interface ReportDelivery {
  readonly contactPoint: string;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly answer: string | null;
}

export const REPORT_TRIGGERS = ['schedule', 'manual'] as const;
export type ReportTrigger = (typeof REPORT_TRIGGERS)[number];

/** A report made: what it covers, its figures and its two renderings. */
export interface ReportRun {
  readonly id: number;
  readonly definitionId: number;
  readonly name: string;
  readonly area: string;
  readonly domain: string | null;
  readonly language: NotifyLanguage;
  readonly period: ReportPeriodKind;
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly label: string;
  readonly trigger: ReportTrigger;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly figures: ReportFigures;
  readonly deliveries: readonly ReportDelivery[];
}

export type NewReportRun = Omit<ReportRun, 'id'> & { readonly html: string; readonly csv: string };

interface DefinitionRow {
  id: number;
  name: string;
  area: string;
  domain: string | null;
  period: string;
  language: string;
  contact_points: string;
  enabled: number;
  first_period_start: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

interface RunRow {
  id: number;
  definition_id: number;
  name: string;
  area: string;
  domain: string | null;
  language: string;
  period: string;
  period_start: number;
  period_end: number;
  label: string;
  trigger: string;
  created_at: number;
  created_by: string;
  figures: string;
  deliveries: string;
}

const RUN_COLUMNS = 'id, definition_id, name, area, domain, language, period, period_start, period_end, label, trigger, created_at, created_by, figures, deliveries';

/** Report definitions and runs in SQLite, and the alert history a report reads. */
export class ReportRepository {
  constructor(private readonly db: SqliteDatabase) {}

  definitions(): ReportDefinition[] {
    return (this.db.prepare('SELECT * FROM report_definitions ORDER BY id').all() as DefinitionRow[]).map(toDefinition);
  }

  definition(id: number): ReportDefinition | undefined {
    const row = this.db.prepare('SELECT * FROM report_definitions WHERE id = ?').get(id) as DefinitionRow | undefined;
    return row === undefined ? undefined : toDefinition(row);
  }

  insertDefinition(definition: Omit<ReportDefinition, 'id'>): ReportDefinition {
    const result = this.db
      .prepare(
        `INSERT INTO report_definitions (name, area, domain, period, language, contact_points, enabled, first_period_start, created_at, created_by, updated_at, updated_by)
         VALUES (@name, @area, @domain, @period, @language, @contactPoints, @enabled, @firstPeriodStart, @createdAt, @createdBy, @updatedAt, @updatedBy)`,
      )
      .run({ ...definition, contactPoints: JSON.stringify(definition.contactPoints), enabled: definition.enabled ? 1 : 0 });
    return { ...definition, id: Number(result.lastInsertRowid) };
  }

  updateDefinition(definition: ReportDefinition): void {
    this.db
      .prepare(
        `UPDATE report_definitions SET name = @name, area = @area, domain = @domain, period = @period, language = @language, contact_points = @contactPoints,
           enabled = @enabled, first_period_start = @firstPeriodStart, updated_at = @updatedAt, updated_by = @updatedBy WHERE id = @id`,
      )
      .run({
        id: definition.id,
        name: definition.name,
        area: definition.area,
        domain: definition.domain,
        period: definition.period,
        language: definition.language,
        contactPoints: JSON.stringify(definition.contactPoints),
        enabled: definition.enabled ? 1 : 0,
        firstPeriodStart: definition.firstPeriodStart,
        updatedAt: definition.updatedAt,
        updatedBy: definition.updatedBy,
      });
  }

  deleteDefinition(id: number): void {
    this.db.prepare('DELETE FROM report_definitions WHERE id = ?').run(id);
  }

  /** The period starts a definition already has a run for. */
  periodsDone(definitionId: number): Set<number> {
    return new Set((this.db.prepare('SELECT period_start FROM report_runs WHERE definition_id = ?').pluck().all(definitionId) as number[]));
  }

  /**
   * Stores a run; `replace` (a manual run of a period already made) takes the old run's place. Without it a run of
   * a period already made is not stored (false): another check made it first.
   */
  insertRun(run: NewReportRun, replace: boolean): ReportRun | undefined {
    const params = {
      definitionId: run.definitionId, name: run.name, area: run.area, domain: run.domain, language: run.language, period: run.period, periodStart: run.periodStart,
      periodEnd: run.periodEnd, label: run.label, trigger: run.trigger, createdAt: run.createdAt, createdBy: run.createdBy,
      figures: JSON.stringify(run.figures), html: run.html, csv: run.csv, deliveries: JSON.stringify(run.deliveries),
    };
    return this.db.transaction(() => {
      if (replace) {
        // Emails of the report being replaced that were not sent yet go with the new one: replacing never drops them.
        const old = this.db.prepare('SELECT deliveries FROM report_runs WHERE definition_id = ? AND period_start = ?').pluck().get(run.definitionId, run.periodStart) as string | undefined;
        const waiting = old === undefined ? [] : (JSON.parse(old) as ReportDelivery[]).filter((delivery) => delivery.status === 'pending');
        const named = new Set(run.deliveries.map((delivery) => delivery.contactPoint));
        params.deliveries = JSON.stringify([...run.deliveries, ...waiting.filter((delivery) => !named.has(delivery.contactPoint))]);
        this.db.prepare('DELETE FROM report_runs WHERE definition_id = ? AND period_start = ?').run(run.definitionId, run.periodStart);
      }
      const result = this.db
        .prepare(
          `INSERT OR IGNORE INTO report_runs (definition_id, name, area, domain, language, period, period_start, period_end, label, trigger, created_at, created_by, figures, html, csv, deliveries)
           VALUES (@definitionId, @name, @area, @domain, @language, @period, @periodStart, @periodEnd, @label, @trigger, @createdAt, @createdBy, @figures, @html, @csv, @deliveries)`,
        )
        .run(params);
      if (result.changes === 0) return undefined;
      const { html: _html, csv: _csv, ...stored } = run;
      return { ...stored, deliveries: JSON.parse(params.deliveries) as ReportDelivery[], id: Number(result.lastInsertRowid) };
    })();
  }

  /** Runs, newest first, at most `limit`, before the run id `before` when given. */
  runs(limit: number, before?: number): ReportRun[] {
    const rows =
      before === undefined
        ? this.db.prepare(`SELECT ${RUN_COLUMNS} FROM report_runs ORDER BY id DESC LIMIT ?`).all(limit)
        : this.db.prepare(`SELECT ${RUN_COLUMNS} FROM report_runs WHERE id < ? ORDER BY id DESC LIMIT ?`).all(before, limit);
    return (rows as RunRow[]).map(toRun);
  }

  run(id: number): ReportRun | undefined {
    const row = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM report_runs WHERE id = ?`).get(id) as RunRow | undefined;
    return row === undefined ? undefined : toRun(row);
  }

  rendering(id: number, format: 'html' | 'csv'): string | undefined {
    return this.db.prepare(`SELECT ${format === 'html' ? 'html' : 'csv'} FROM report_runs WHERE id = ?`).pluck().get(id) as string | undefined;
  }

  /** Runs with a delivery still pending, oldest first. */
  runsWithPendingDeliveries(): ReportRun[] {
    return (this.db.prepare(`SELECT ${RUN_COLUMNS} FROM report_runs WHERE deliveries LIKE '%"pending"%' ORDER BY id`).all() as RunRow[]).map(toRun);
  }

  updateDeliveries(id: number, deliveries: readonly ReportDelivery[]): void {
    this.db.prepare('UPDATE report_runs SET deliveries = ? WHERE id = ?').run(JSON.stringify(deliveries), id);
  }

  /**
   * Alerts of an area (and domain) fired in [start, end), with the instants of their lifecycle as they stand now.
   * A town's covers its villages' alerts.
   */
  alerts(area: { town: string | null; village: string | null }, domain: string | null, start: number, end: number): ReportedAlert[] {
    const conditions = ['fired_at >= @start', 'fired_at < @end'];
    if (area.town !== null) conditions.push('town = @town');
    if (area.village !== null) conditions.push('village = @village');
    if (domain !== null) conditions.push('domain = @domain');
    const rows = this.db
      .prepare(`SELECT severity, fired_at, acknowledged_at, resolved_at FROM alerts WHERE ${conditions.join(' AND ')} ORDER BY id`)
      .all({ start, end, town: area.town, village: area.village, domain }) as Array<{ severity: Severity; fired_at: number; acknowledged_at: number | null; resolved_at: number | null }>;
    return rows.map((row) => ({ severity: row.severity, firedAt: row.fired_at, acknowledgedAt: row.acknowledged_at, resolvedAt: row.resolved_at }));
  }
}

function toDefinition(row: DefinitionRow): ReportDefinition {
  return {
    id: row.id,
    name: row.name,
    area: row.area,
    domain: row.domain,
    period: row.period as ReportPeriodKind,
    language: row.language as NotifyLanguage,
    contactPoints: JSON.parse(row.contact_points) as string[],
    enabled: row.enabled === 1,
    firstPeriodStart: row.first_period_start,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function toRun(row: RunRow): ReportRun {
  return {
    id: row.id,
    definitionId: row.definition_id,
    name: row.name,
    area: row.area,
    domain: row.domain,
    language: row.language as NotifyLanguage,
    period: row.period as ReportPeriodKind,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    label: row.label,
    trigger: row.trigger as ReportTrigger,
    createdAt: row.created_at,
    createdBy: row.created_by,
    figures: JSON.parse(row.figures) as ReportFigures,
    deliveries: JSON.parse(row.deliveries) as ReportDelivery[],
  };
}
