import { AccessDeniedError, describeScope, type Principal } from '@hub/access';
import type { ReportDefinitionView, ReportRunPage, ReportRunView } from '@hub/api-types';
import { InvalidInputError, JsonInputReader, type DomainIssue } from '@hub/common';
import type { AuditLogRepository, Executor, Store } from '@hub/store';
import { describeArea, parseAreaPath, scopeCoversArea } from '../areas/area-path';
import { parseReportSpec, ReportNotFoundError, ReportRequestError, type ReportDefinition, type ReportSpec, type ReportSpecContext } from './report-definition';
import { lastClosedPeriod, parseCalendarDate, periodOfDate } from './report-period';
import type { ReportRepository, ReportRun } from './report.repository';
import { reportFileName, type ReportRunner } from './report-runner';

export type ReportsActor = Pick<Principal, 'name' | 'scope'>;

const TARGET_TYPE = 'report';

/** A download: the stored rendering with its file name and type. */
export interface ReportDownload {
  readonly filename: string;
  readonly contentType: string;
  readonly content: string;
}

/**
 * Report definitions (admins', within their scope: a town admin keeps their town's) and the reports made from them,
 * which everyone reads within their scope: a report is seen by whoever's scope covers its whole area and domain (a
 * town operator their town's reports, a water-only operator water's). Changes, runs and downloads are audited.
 */
export class ReportsService {
  constructor(
    private readonly store: Store,
    private readonly repository: ReportRepository,
    private readonly runner: ReportRunner,
    private readonly context: ReportSpecContext,
    private readonly audit: AuditLogRepository,
    private readonly timeZone: string,
    private readonly now: () => number = Date.now,
  ) {}

  async definitions(by: ReportsActor): Promise<ReportDefinitionView[]> {
    return (await this.repository.definitions()).filter((definition) => covers(by, definition)).map(definitionView);
  }

  async create(body: unknown, by: ReportsActor): Promise<ReportDefinitionView> {
    const spec = parseReportSpec(body, this.contextFor(by));
    assertCovers(by, spec, 'make a report of');
    const now = this.now();
    const definition = await this.store.tx(async (tx) => {
      const inserted = await this.repository.insertDefinition({ ...spec, firstPeriodStart: lastClosedPeriod(spec.period, now, this.timeZone).start, createdAt: now, createdBy: by.name, updatedAt: now, updatedBy: by.name }, tx.exec);
      await this.audit.record({ at: now, actor: by.name, action: 'report.create', targetType: TARGET_TYPE, targetId: String(inserted.id), detail: { ...spec } }, tx.exec);
      return inserted;
    });
    return definitionView(definition);
  }

  async update(id: number, body: unknown, by: ReportsActor): Promise<ReportDefinitionView> {
    const updated = await this.store.tx(async (tx) => {
      // Read where no other change of it interleaves: the change applies over the definition as stored.
      await tx.lock(definitionLock(id));
      const current = await this.definition(id, by, tx.exec);
      const spec = parseReportSpec(body, this.contextFor(by), current);
      assertCovers(by, spec, 'make a report of');
      const now = this.now();
      // A new period kind starts where a new definition would: at its last closed period.
      // So does a paused definition enabled again: the periods it was paused for are not made after the fact.
      const restart = spec.period !== current.period || (spec.enabled && !current.enabled);
      const firstPeriodStart = restart ? lastClosedPeriod(spec.period, now, this.timeZone).start : current.firstPeriodStart;
      const next: ReportDefinition = { ...current, ...spec, firstPeriodStart, updatedAt: now, updatedBy: by.name };
      await this.repository.updateDefinition(next, tx.exec);
      await this.audit.record({ at: now, actor: by.name, action: 'report.update', targetType: TARGET_TYPE, targetId: String(id), detail: { before: specOf(current), after: { ...spec } } }, tx.exec);
      return next;
    });
    return definitionView(updated);
  }

  /** The definition goes; the reports made from it stay listed and downloadable. */
  async remove(id: number, by: ReportsActor): Promise<void> {
    await this.store.tx(async (tx) => {
      await tx.lock(definitionLock(id));
      const current = await this.definition(id, by, tx.exec);
      await this.repository.deleteDefinition(id, tx.exec);
      await this.audit.record({ at: this.now(), actor: by.name, action: 'report.delete', targetType: TARGET_TYPE, targetId: String(id), detail: { ...specOf(current) } }, tx.exec);
    });
  }

  /**
   * "Run now": the report of the closed period holding `date` (YYYY-MM-DD in the county's calendar; default the last
   * closed period), replacing that period's report if there was one; emailed only with `deliver: true`.
   */
  async runNow(id: number, body: unknown, by: ReportsActor): Promise<ReportRunView> {
    const definition = await this.definition(id, by);
    const issues: DomainIssue[] = [];
    const read = JsonInputReader.of(body ?? {}, '', issues, ['date', 'deliver']);
    const dateText = read?.string('date', { maxLength: 10, pattern: /^\d{4}-\d{2}-\d{2}$/, patternText: 'a date YYYY-MM-DD in the county’s calendar' });
    const deliver = read?.boolean('deliver') ?? false;
    const date = dateText === undefined ? undefined : parseCalendarDate(dateText);
    if (dateText !== undefined && (date === undefined || date.year < 1970)) read?.fail('date', `must be a date that exists, from 1970-01-01, got ${dateText}`);
    if (issues.length > 0) throw new InvalidInputError('report run', issues);
    const now = this.now();
    const period = date === undefined ? lastClosedPeriod(definition.period, now, this.timeZone) : periodOfDate(definition.period, date, this.timeZone);
    if (period.end > now) throw new ReportRequestError(`The ${definition.period} period ${period.label} has not ended yet (it ends ${new Date(period.end).toISOString()}): a report covers a closed period`, 'report-period-open');
    if (!this.runner.readingsKept(period)) {
      throw new ReportRequestError(
        `The raw readings of ${period.label} are no longer kept (HUB_RETENTION_RAW): a report made now would say nothing reported, so the one made at the time (if any) stays`,
        'report-period-expired',
      );
    }
    const run = await this.runner.make(definition, period, 'manual', by.name, true, deliver);
    if (run === undefined) throw new Error(`report ${id} for ${period.label} was not stored`);
    await this.audit.record({ at: this.now(), actor: by.name, action: 'report.run', targetType: TARGET_TYPE, targetId: String(id), detail: { run: run.id, period: period.label, deliver } }, this.store.db);
    // On the leader the emails go now; on a follower they wait for the leader's next check (deliverPending sends nothing).
    if (deliver) await this.runner.deliverPending();
    return runView((await this.repository.run(run.id)) ?? run);
  }

  async runs(by: ReportsActor, options: { limit: number; before?: number; definition?: number }): Promise<ReportRunPage> {
    // Scoped after reading: read in pages of the limit until enough are visible or none are left.
    const items: ReportRun[] = [];
    let before = options.before;
    let exhausted = false;
    while (items.length < options.limit && !exhausted) {
      const page = await this.repository.runs(options.limit, before);
      exhausted = page.length < options.limit;
      for (const run of page) {
        before = run.id;
        if (covers(by, run) && (options.definition === undefined || run.definitionId === options.definition) && items.length < options.limit) items.push(run);
      }
    }
    return { items: items.map(runView), nextBefore: exhausted && items.length < options.limit ? null : (items.at(-1)?.id ?? null) };
  }

  async run(id: number, by: ReportsActor): Promise<ReportRunView> {
    return runView(await this.visibleRun(id, by));
  }

  async download(id: number, format: 'html' | 'csv', by: ReportsActor): Promise<ReportDownload> {
    const run = await this.visibleRun(id, by);
    const content = (await this.repository.rendering(id, format)) ?? '';
    await this.audit.record({ at: this.now(), actor: by.name, action: 'report.download', targetType: TARGET_TYPE, targetId: String(run.definitionId), detail: { run: id, period: run.label, format } }, this.store.db);
    return { filename: `${reportFileName(run)}.${format}`, contentType: format === 'html' ? 'text/html; charset=utf-8' : 'text/csv; charset=utf-8', content };
  }

  /** An area outside the caller's scope passes the existence check, so the answer is a 403 that tells nothing of it. */
  private contextFor(by: ReportsActor): ReportSpecContext {
    return { ...this.context, areaExists: (path) => !covers({ scope: { ...by.scope, domains: [] }, name: by.name }, { area: path, domain: null }) || this.context.areaExists(path) };
  }

  private async definition(id: number, by: ReportsActor, exec: Executor = this.store.db): Promise<ReportDefinition> {
    const definition = await this.repository.definition(id, exec);
    // Outside the caller's scope reads as absent, as other scoped resources do.
    if (definition === undefined || !covers(by, definition)) throw new ReportNotFoundError('report', id);
    return definition;
  }

  private async visibleRun(id: number, by: ReportsActor): Promise<ReportRun> {
    const run = await this.repository.run(id);
    if (run === undefined || !covers(by, run)) throw new ReportNotFoundError('report run', id);
    return run;
  }
}

/** Serialises the changes of one definition (PostgreSQL runs transactions side by side). */
function definitionLock(id: number): string {
  return `report-definition:${id}`;
}

/** Whether the scope covers the whole of a report's area and domain (every domain needs a scope of every domain). */
export function covers(by: ReportsActor, report: { readonly area: string; readonly domain: string | null }): boolean {
  const area = parseAreaPath(report.area);
  if (area === undefined || !scopeCoversArea(by.scope, area)) return false;
  return by.scope.domains.length === 0 || (report.domain !== null && by.scope.domains.includes(report.domain));
}

function assertCovers(by: ReportsActor, spec: ReportSpec, what: string): void {
  if (covers(by, spec)) return;
  const area = parseAreaPath(spec.area);
  const target = `${area === undefined ? spec.area : describeArea(area)}${spec.domain === null ? ' (every domain)' : ` (${spec.domain})`}`;
  throw new AccessDeniedError(`${by.name} may not ${what} ${target}: outside their scope (${describeScope(by.scope)})`);
}

function specOf(definition: ReportDefinition): ReportSpec {
  const { name, area, domain, period, language, contactPoints, enabled } = definition;
  return { name, area, domain, period, language, contactPoints, enabled };
}

function definitionView(definition: ReportDefinition): ReportDefinitionView {
  return {
    ...specOf(definition),
    id: definition.id,
    createdAt: new Date(definition.createdAt).toISOString(),
    createdBy: definition.createdBy,
    updatedAt: new Date(definition.updatedAt).toISOString(),
    updatedBy: definition.updatedBy,
  };
}

export function runView(run: ReportRun): ReportRunView {
  return {
    id: run.id,
    definitionId: run.definitionId,
    name: run.name,
    area: run.area,
    domain: run.domain,
    language: run.language,
    period: run.period,
    label: run.label,
    from: new Date(run.periodStart).toISOString(),
    to: new Date(run.periodEnd).toISOString(),
    trigger: run.trigger,
    createdAt: new Date(run.createdAt).toISOString(),
    createdBy: run.createdBy,
    figures: run.figures,
    deliveries: run.deliveries.map(({ contactPoint, status, attempts, answer }) => ({ contactPoint, status, attempts, answer })),
    downloads: { html: `/api/reports/runs/${run.id}/html`, csv: `/api/reports/runs/${run.id}/csv` },
  };
}
