import { ALWAYS_LEADING, type LeaderFence } from '@hub/alerts';
import type { ContactPoint, DeliveryResult, EmailDocument } from '@hub/notify';
import type { ReportDefinition } from './report-definition';
import { renderReportCsv, renderReportHtml, reportEmail, type ReportDocument } from './report-document';
import type { ReportFigures } from './report-figures';
import { closedPeriodsSince, type ReportPeriod } from './report-period';
import type { ReportDelivery, ReportRepository, ReportRun, ReportTrigger } from './report.repository';

/** At most this many missed periods per definition are made after downtime (the most recent ones): a month of days. */
export const MAX_CATCH_UP_PERIODS = 31;
/** A delivery the mail server refused for now (4xx, timeout) is tried again at each check, this many times in all. */
export const MAX_DELIVERY_ATTEMPTS = 5;
/** How long a send in progress holds its email: longer than any send takes (the mail client times out well before). */
export const DELIVERY_CLAIM_MS = 10 * 60_000;

export interface ReportRunnerLogger {
  log(message: Record<string, unknown>): void;
  error(message: Record<string, unknown>): void;
}

export interface ReportRunnerDeps {
  readonly repository: ReportRepository;
  readonly figures: (spec: { area: string; domain: string | null }, period: ReportPeriod) => Promise<ReportFigures>;
  readonly contactPoint: (name: string) => ContactPoint | undefined | Promise<ContactPoint | undefined>;
  readonly sendDocument: (point: ContactPoint, document: EmailDocument) => Promise<DeliveryResult>;
  readonly timeZone: string;
  /** The console's base URL, for the link in the email. */
  readonly publicUrl: string;
  readonly logger: ReportRunnerLogger;
  /** Counts what the runner does, for /metrics. */
  readonly count?: (event: 'made' | 'failed' | 'delivered' | 'delivery-failed') => void;
  readonly now?: () => number;
  /**
   * How long raw readings are kept (HUB_RETENTION_RAW; null: the hub does not manage it, InfluxDB v2). A period that
   * began before that is not made: its readings are gone, and its report would say that nothing reported.
   */
  readonly rawKeepMs?: number | null;
  /**
   * The leader lease (a cluster): emails are claimed and recorded in transactions it fences, and one goes only while
   * it is held by this process's clock. A node that does not lead sends nothing. Default: always leading (one node).
   */
  readonly leader?: LeaderFence;
  /** How long a claim holds an email (DELIVERY_CLAIM_MS). */
  readonly claimMs?: number;
}

/**
 * Makes reports: the scheduled check (every closed period of every enabled definition that has no report yet, oldest
 * first; a report is stored once per definition and period, so a restart or a second check never makes it twice),
 * "run now", and the emails of scheduled reports (pending until the mail server took them).
 */
export class ReportRunner {
  private checking = false;
  private delivering: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly leader: LeaderFence;

  constructor(private readonly deps: ReportRunnerDeps) {
    this.now = deps.now ?? Date.now;
    this.leader = deps.leader ?? ALWAYS_LEADING;
  }

  /** One scheduled check; a check still running when the next is due makes the next one a no-op. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const definition of (await this.deps.repository.definitions()).filter((each) => each.enabled)) {
        const done = await this.deps.repository.periodsDone(definition.id);
        const due = closedPeriodsSince(definition.period, definition.firstPeriodStart, this.now(), this.deps.timeZone, MAX_CATCH_UP_PERIODS).filter((period) => !done.has(period.start) && this.readingsKept(period));
        for (const period of due) {
          try {
            await this.make(definition, period, 'schedule', 'hub', false);
          } catch (error) {
            // InfluxDB down, most likely: the period stays due and the next check tries again.
            this.deps.count?.('failed');
            this.deps.logger.error({ msg: 'Report not made; the next check tries again', report: definition.id, period: period.label, err: error });
            break;
          }
        }
      }
      await this.deliverPending();
    } finally {
      this.checking = false;
    }
  }

  /**
   * Makes and stores one report. Scheduled: emailed to the definition's contact points (pending until sent), and not
   * stored when that period was made meanwhile. Manual: replaces the period's report, emailed only when asked.
   */
  async make(definition: ReportDefinition, period: ReportPeriod, trigger: ReportTrigger, actor: string, replace: boolean, deliver = trigger === 'schedule'): Promise<ReportRun | undefined> {
    const figures = await this.deps.figures({ area: definition.area, domain: definition.domain }, period);
    const createdAt = this.now();
    const document: ReportDocument = { name: definition.name, area: definition.area, domain: definition.domain, language: definition.language, period, timeZone: this.deps.timeZone, createdAt, figures };
    const deliveries: ReportDelivery[] = deliver ? definition.contactPoints.map((contactPoint) => ({ contactPoint, status: 'pending', attempts: 0, answer: null })) : [];
    const run = await this.deps.repository.insertRun(
      {
        definitionId: definition.id,
        name: definition.name,
        area: definition.area,
        domain: definition.domain,
        language: definition.language,
        period: period.kind,
        periodStart: period.start,
        periodEnd: period.end,
        label: period.label,
        trigger,
        createdAt,
        createdBy: actor,
        figures,
        deliveries,
        html: renderReportHtml(document),
        csv: renderReportCsv(document),
      },
      replace,
    );
    if (run !== undefined) {
      this.deps.count?.('made');
      this.deps.logger.log({ msg: 'Report made', report: definition.id, run: run.id, period: period.label, trigger, by: actor });
    }
    return run;
  }

  /** Sends every pending email of every report, each in turn. */
  /** Whether the period's raw readings are still kept, so its report can say what happened in it. */
  readingsKept(period: ReportPeriod): boolean {
    const keep = this.deps.rawKeepMs ?? null;
    return keep === null || period.start >= this.now() - keep;
  }

  /**
   * Sends every pending email, when this node leads (on a follower the emails stay pending for the leader's next
   * check); a call while a send is under way joins it.
   */
  deliverPending(): Promise<void> {
    this.delivering ??= this.sendPending().finally(() => (this.delivering = null));
    return this.delivering;
  }

  /**
   * Each email is claimed in a fenced transaction, sent only if the lease is still held by this process's clock, and
   * its outcome recorded in another fenced transaction: a leader frozen mid-way that resumes after a takeover claims,
   * sends and records nothing, and the new leader does not send what the old one still had in flight (the claim).
   * Killed between the send and the record, the email goes again once its claim ran out (at least once).
   */
  private async sendPending(): Promise<void> {
    if (!this.leader.heldLocally()) return;
    try {
      for (const run of await this.deps.repository.runsWithPendingDeliveries()) {
        for (const delivery of run.deliveries) {
          if (delivery.status !== 'pending') continue;
          const now = this.now();
          const claimed = await this.deps.repository.fenced(this.leader, (tx) => this.deps.repository.claimDelivery(run.id, delivery.contactPoint, now, now + (this.deps.claimMs ?? DELIVERY_CLAIM_MS), tx));
          if (claimed === undefined) continue; // sent meanwhile, or another send holds it
          // Paused between the claim and here past the lease: the claim is the next leader's to honour; nothing goes.
          if (!this.leader.heldLocally()) return;
          const outcome = await this.deliver(run, claimed);
          await this.deps.repository.fenced(this.leader, (tx) => this.deps.repository.recordDelivery(run.id, outcome, tx));
        }
      }
    } catch (error) {
      // No longer leading: what is left is the next leader's (a claimed email once its claim ran out).
      if (error instanceof Error && error.name === 'NotLeaderError') {
        this.deps.logger.log({ msg: 'Report emails stopped: this node no longer leads', err: error });
        return;
      }
      throw error;
    }
  }

  private async deliver(run: ReportRun, delivery: ReportDelivery): Promise<ReportDelivery> {
    const attempts = delivery.attempts + 1;
    const point = await this.deps.contactPoint(delivery.contactPoint);
    if (point === undefined) return { contactPoint: delivery.contactPoint, status: 'failed', attempts, answer: `no contact point ${delivery.contactPoint} (deleted since the report named it?)` };
    const email = await this.emailOf(run);
    if (!this.leader.heldLocally()) return delivery; // not sent: recorded as it was (the fence refuses the record anyway)
    const result = await this.deps.sendDocument(point, email);
    const status = result.ok ? 'sent' : result.retryable && attempts < MAX_DELIVERY_ATTEMPTS ? 'pending' : 'failed';
    this.deps.count?.(result.ok ? 'delivered' : 'delivery-failed');
    this.deps.logger.log({ msg: 'Report emailed', run: run.id, contactPoint: delivery.contactPoint, ok: result.ok, retryable: result.retryable, attempts });
    return { contactPoint: delivery.contactPoint, status, attempts, answer: result.providerAnswer };
  }

  private async emailOf(run: ReportRun): Promise<EmailDocument> {
    const html = (await this.deps.repository.rendering(run.id, 'html')) ?? '';
    const csv = (await this.deps.repository.rendering(run.id, 'csv')) ?? '';
    const period: ReportPeriod = { kind: run.period, start: run.periodStart, end: run.periodEnd, label: run.label };
    const document: ReportDocument = { name: run.name, area: run.area, domain: run.domain, language: run.language, period, timeZone: this.deps.timeZone, createdAt: run.createdAt, figures: run.figures };
    const { subject, text } = reportEmail(document, `${this.deps.publicUrl.replace(/\/$/, '')}/reports`);
    const base = reportFileName(run);
    return {
      subject,
      text,
      html,
      attachments: [
        { filename: `${base}.csv`, content: csv, contentType: 'text/csv; charset=utf-8' },
        { filename: `${base}.html`, content: html, contentType: 'text/html; charset=utf-8' },
      ],
    };
  }
}

/** `report-7-2026-11`: ASCII only, so every mail client and browser keeps it as given. */
export function reportFileName(run: Pick<ReportRun, 'definitionId' | 'label'>): string {
  return `report-${run.definitionId}-${run.label}`;
}
