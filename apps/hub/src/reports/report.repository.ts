import type { Severity } from '@hub/api-types';
import type { Selectable } from 'kysely';
import type { LeaderFence } from '@hub/alerts';
import { fencedTx } from '@hub/alerts';
import type { Executor, ReportDefinitionsTable, ReportRunsTable, Store, Tx } from '@hub/store';
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
  /**
   * While pending: until when (ms, the claiming leader's clock) a send in progress holds it; nobody else sends it
   * before then. A leader that died mid-send leaves it to the next one once it runs out.
   */
  readonly claimedUntil?: number;
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

type DefinitionRow = Selectable<ReportDefinitionsTable>;
type RunRow = Omit<Selectable<ReportRunsTable>, 'html' | 'csv'>;

/** A run's columns but its two renderings, which only downloads and emails read. */
const RUN_COLUMNS = [
  'id', 'definition_id', 'name', 'area', 'domain', 'language', 'period', 'period_start', 'period_end', 'label', 'trigger', 'created_at', 'created_by', 'figures', 'deliveries',
] as const;

/** Report definitions and runs, and the alert history a report reads. */
export class ReportRepository {
  constructor(private readonly store: Store) {}

  async definitions(exec: Executor = this.store.db): Promise<ReportDefinition[]> {
    return (await exec.selectFrom('report_definitions').selectAll().orderBy('id').execute()).map(toDefinition);
  }

  async definition(id: number, exec: Executor = this.store.db): Promise<ReportDefinition | undefined> {
    const row = await exec.selectFrom('report_definitions').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toDefinition(row);
  }

  async insertDefinition(definition: Omit<ReportDefinition, 'id'>, exec: Executor = this.store.db): Promise<ReportDefinition> {
    const { id } = await exec
      .insertInto('report_definitions')
      .values(definitionColumns(definition))
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...definition, id };
  }

  async updateDefinition(definition: ReportDefinition, exec: Executor = this.store.db): Promise<void> {
    const { created_at: _createdAt, created_by: _createdBy, ...changed } = definitionColumns(definition);
    await exec.updateTable('report_definitions').set(changed).where('id', '=', definition.id).execute();
  }

  async deleteDefinition(id: number, exec: Executor = this.store.db): Promise<void> {
    await exec.deleteFrom('report_definitions').where('id', '=', id).execute();
  }

  /** The period starts a definition already has a run for. */
  async periodsDone(definitionId: number, exec: Executor = this.store.db): Promise<Set<number>> {
    const rows = await exec.selectFrom('report_runs').select('period_start').where('definition_id', '=', definitionId).execute();
    return new Set(rows.map((row) => row.period_start));
  }

  /**
   * Stores a run; `replace` (a manual run of a period already made) takes the old run's place. Without it a run of
   * a period already made is not stored (undefined): another check made it first. In its own transaction, or the
   * caller's (`outer`).
   */
  async insertRun(run: NewReportRun, replace: boolean, outer?: Tx): Promise<ReportRun | undefined> {
    let deliveries: readonly ReportDelivery[] = run.deliveries;
    return this.store.tx(async (tx) => {
      // Two manual runs of one period (or a manual and a scheduled one) take turns: on PostgreSQL both would
      // otherwise delete the old run and one insert would find the other's in its place.
      await tx.lock(`report-run:${run.definitionId}:${run.periodStart}`);
      if (replace) {
        // Emails of the report being replaced that were not sent yet go with the new one: replacing never drops them.
        const old = await tx.exec.selectFrom('report_runs').select('deliveries').where('definition_id', '=', run.definitionId).where('period_start', '=', run.periodStart).executeTakeFirst();
        const waiting = old === undefined ? [] : (JSON.parse(old.deliveries) as ReportDelivery[]).filter((delivery) => delivery.status === 'pending');
        const named = new Set(run.deliveries.map((delivery) => delivery.contactPoint));
        deliveries = [...run.deliveries, ...waiting.filter((delivery) => !named.has(delivery.contactPoint))];
        await tx.exec.deleteFrom('report_runs').where('definition_id', '=', run.definitionId).where('period_start', '=', run.periodStart).execute();
      }
      const inserted = await tx.exec
        .insertInto('report_runs')
        .values({
          definition_id: run.definitionId, name: run.name, area: run.area, domain: run.domain, language: run.language, period: run.period, period_start: run.periodStart,
          period_end: run.periodEnd, label: run.label, trigger: run.trigger, created_at: run.createdAt, created_by: run.createdBy,
          figures: JSON.stringify(run.figures), html: run.html, csv: run.csv, deliveries: JSON.stringify(deliveries),
        })
        .onConflict((oc) => oc.columns(['definition_id', 'period_start']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) return undefined;
      const { html: _html, csv: _csv, ...stored } = run;
      return { ...stored, deliveries, id: inserted.id };
    }, outer);
  }

  /** Runs, newest first, at most `limit`, before the run id `before` when given. */
  async runs(limit: number, before?: number, exec: Executor = this.store.db): Promise<ReportRun[]> {
    let query = exec.selectFrom('report_runs').select(RUN_COLUMNS);
    if (before !== undefined) query = query.where('id', '<', before);
    return (await query.orderBy('id', 'desc').limit(limit).execute()).map(toRun);
  }

  async run(id: number, exec: Executor = this.store.db): Promise<ReportRun | undefined> {
    const row = await exec.selectFrom('report_runs').select(RUN_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRun(row);
  }

  async rendering(id: number, format: 'html' | 'csv', exec: Executor = this.store.db): Promise<string | undefined> {
    const byId = exec.selectFrom('report_runs').where('id', '=', id);
    return format === 'html' ? (await byId.select('html').executeTakeFirst())?.html : (await byId.select('csv').executeTakeFirst())?.csv;
  }

  /** Runs with a delivery still pending, oldest first. */
  async runsWithPendingDeliveries(exec: Executor = this.store.db): Promise<ReportRun[]> {
    // LIKE narrows the rows (case-insensitively on SQLite, not on PostgreSQL); the deliveries themselves decide.
    const rows = await exec.selectFrom('report_runs').select(RUN_COLUMNS).where('deliveries', 'like', '%"pending"%').orderBy('id').execute();
    return rows.map(toRun).filter((run) => run.deliveries.some((delivery) => delivery.status === 'pending'));
  }

  async updateDeliveries(id: number, deliveries: readonly ReportDelivery[], exec: Executor = this.store.db): Promise<void> {
    await exec.updateTable('report_runs').set({ deliveries: JSON.stringify(deliveries) }).where('id', '=', id).execute();
  }

  /** Runs `work` in one transaction that writes only while `leader` still leads (the emails' claims and records). */
  fenced<T>(leader: LeaderFence, work: (tx: Tx) => Promise<T>): Promise<T> {
    return fencedTx(this.store, leader, work);
  }

  /**
   * Claims a run's pending email to `contactPoint` until `until`, unless it is no longer pending or another send holds
   * it (an unexpired claim): then undefined, and nothing is written. In the caller's (fenced) transaction.
   */
  async claimDelivery(id: number, contactPoint: string, now: number, until: number, tx: Tx): Promise<ReportDelivery | undefined> {
    await tx.lock(`report-deliveries:${id}`);
    const deliveries = await this.deliveriesOf(id, tx.exec);
    const index = deliveries?.findIndex((each) => each.contactPoint === contactPoint) ?? -1;
    if (deliveries === undefined || index < 0) return undefined;
    const delivery = deliveries[index];
    if (delivery.status !== 'pending' || (delivery.claimedUntil ?? 0) > now) return undefined;
    const claimed = { ...delivery, claimedUntil: until };
    await this.updateDeliveries(id, deliveries.with(index, claimed), tx.exec);
    return claimed;
  }

  /** Records the outcome of a claimed email (its claim goes); a run replaced or deleted meanwhile is left alone. */
  async recordDelivery(id: number, outcome: ReportDelivery, tx: Tx): Promise<void> {
    await tx.lock(`report-deliveries:${id}`);
    const deliveries = await this.deliveriesOf(id, tx.exec);
    const index = deliveries?.findIndex((each) => each.contactPoint === outcome.contactPoint) ?? -1;
    if (deliveries === undefined || index < 0) return;
    const { claimedUntil: _claim, ...recorded } = outcome;
    await this.updateDeliveries(id, deliveries.with(index, recorded), tx.exec);
  }

  private async deliveriesOf(id: number, exec: Executor): Promise<ReportDelivery[] | undefined> {
    const row = await exec.selectFrom('report_runs').select('deliveries').where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.deliveries) as ReportDelivery[]);
  }

  /**
   * Alerts of an area (and domain) fired in [start, end), with the instants of their lifecycle as they stand now.
   * A town's covers its villages' alerts.
   */
  async alerts(area: { town: string | null; village: string | null }, domain: string | null, start: number, end: number, exec: Executor = this.store.db): Promise<ReportedAlert[]> {
    let query = exec.selectFrom('alerts').select(['severity', 'fired_at', 'acknowledged_at', 'resolved_at']).where('fired_at', '>=', start).where('fired_at', '<', end);
    if (area.town !== null) query = query.where('town', '=', area.town);
    if (area.village !== null) query = query.where('village', '=', area.village);
    if (domain !== null) query = query.where('domain', '=', domain);
    const rows = await query.orderBy('id').execute();
    return rows.map((row) => ({ severity: row.severity as Severity, firedAt: row.fired_at, acknowledgedAt: row.acknowledged_at, resolvedAt: row.resolved_at }));
  }
}

function definitionColumns(definition: Omit<ReportDefinition, 'id'>) {
  return {
    name: definition.name,
    area: definition.area,
    domain: definition.domain,
    period: definition.period,
    language: definition.language,
    contact_points: JSON.stringify(definition.contactPoints),
    enabled: definition.enabled ? 1 : 0,
    first_period_start: definition.firstPeriodStart,
    created_at: definition.createdAt,
    created_by: definition.createdBy,
    updated_at: definition.updatedAt,
    updated_by: definition.updatedBy,
  };
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
