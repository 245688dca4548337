import type { HubLogger } from '@hub/common';
import type { AlertStats } from '../alert-stats';
import type { AlertRule } from '../rules/alert-rule';
import type { EvaluationReport } from './alert-evaluation.service';

/** Named interval jobs registered at runtime; the service backs this with @nestjs/schedule's SchedulerRegistry. */
export interface IntervalJobs {
  add(name: string, everyMs: number, run: () => void): void;
  remove(name: string): void;
}

/** Spreads the first evaluations of many rules at start-up instead of firing them all in the same millisecond. */
const FIRST_TICK_STAGGER_MS = 100;

/**
 * One interval job per enabled rule, named `alert-rule:<id>`, re-registered when the rule's interval changes and
 * removed when the rule is disabled or deleted — no restart needed. A tick never overlaps the previous tick of the
 * same rule (it is skipped and counted instead); a tick that fails or outlasts its interval is logged and counted.
 */
export class AlertScheduler {
  private readonly scheduled = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly firstTicks = new Set<NodeJS.Timeout>();
  /** Consecutive failures per rule, so an InfluxDB outage logs once per rule (and every tenth time), not every tick. */
  private readonly failing = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly jobs: IntervalJobs,
    private readonly loadRule: (id: string) => Promise<AlertRule | undefined>,
    private readonly evaluate: (rule: AlertRule) => Promise<EvaluationReport>,
    private readonly stats: AlertStats,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  static jobName(ruleId: string): string {
    return `alert-rule:${ruleId}`;
  }

  /** Brings the jobs in line with the rules: adds, re-times and removes. New jobs tick once right away. */
  sync(rules: readonly AlertRule[]): void {
    if (this.stopped) return;
    const wanted = new Map(rules.filter((rule) => rule.enabled).map((rule) => [rule.id, rule.evaluateEveryMs]));
    for (const [id, everyMs] of this.scheduled) {
      if (wanted.get(id) === everyMs) continue;
      this.jobs.remove(AlertScheduler.jobName(id));
      this.scheduled.delete(id);
    }
    let fresh = 0;
    for (const [id, everyMs] of wanted) {
      if (this.scheduled.has(id)) continue;
      this.jobs.add(AlertScheduler.jobName(id), everyMs, () => void this.tick(id));
      this.scheduled.set(id, everyMs);
      const timer = setTimeout(() => {
        this.firstTicks.delete(timer);
        void this.tick(id);
      }, fresh++ * FIRST_TICK_STAGGER_MS);
      this.firstTicks.add(timer);
    }
  }

  get jobCount(): number {
    return this.scheduled.size;
  }

  isScheduled(ruleId: string): boolean {
    return this.scheduled.has(ruleId);
  }

  /**
   * Runs one evaluation of the rule unless one is still running (then resolves at once); never throws. The tick counts
   * as running from its first moment, loading the rule included: a tick that came while the rule was being read
   * would otherwise start a second evaluation beside the first. A tick begun before stop() runs to its end (stop
   * waits for it); none begins after.
   */
  tick(ruleId: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.inFlight.has(ruleId)) {
      this.stats.evaluated(ruleId, 'skipped-overlap', 0);
      this.logger.warn({ msg: 'Alert rule evaluation skipped: the previous one is still running', ruleId });
      return Promise.resolve();
    }
    const run = this.loadAndRun(ruleId).finally(() => this.inFlight.delete(ruleId));
    this.inFlight.set(ruleId, run);
    return run;
  }

  /** Until resume(): sync() schedules nothing (a node that does not lead keeps its rules without evaluating them). */
  pause(): void {
    this.stopped = true;
  }

  /** Schedules again from the next sync() (a node that took the leader lease). */
  resume(): void {
    this.stopped = false;
  }

  /** Removes every job and waits for the evaluations in flight; resume() and sync() start again. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.firstTicks) clearTimeout(timer);
    this.firstTicks.clear();
    for (const id of this.scheduled.keys()) this.jobs.remove(AlertScheduler.jobName(id));
    this.scheduled.clear();
    await Promise.all(this.inFlight.values());
  }

  private async loadAndRun(ruleId: string): Promise<void> {
    let rule: AlertRule | undefined;
    try {
      rule = await this.loadRule(ruleId);
    } catch (error) {
      this.stats.evaluated(ruleId, 'failed', 0, error);
      this.logger.error({ msg: 'Alert rule could not be read for its evaluation', ruleId, error });
      return;
    }
    if (rule === undefined || !rule.enabled) return;
    await this.run(rule);
  }

  private async run(rule: AlertRule): Promise<void> {
    const started = this.clock();
    try {
      const report = await this.evaluate(rule);
      const durationMs = this.clock() - started;
      this.stats.evaluated(rule.id, report.outcome, durationMs);
      const failures = this.failing.get(rule.id);
      if (failures !== undefined) {
        this.failing.delete(rule.id);
        this.logger.log({ msg: 'Alert rule evaluation works again', ruleId: rule.id, failedTimes: failures });
      }
      if (durationMs > rule.evaluateEveryMs) {
        this.stats.rule(rule.id).slow++;
        this.logger.warn({ msg: 'Alert rule evaluation took longer than its interval', ruleId: rule.id, durationMs, intervalMs: rule.evaluateEveryMs, ...report });
      }
    } catch (error) {
      const durationMs = this.clock() - started;
      this.stats.evaluated(rule.id, 'failed', durationMs, error);
      // Nothing was stored: the next tick evaluates the same window again (and more, if this went on).
      const failures = (this.failing.get(rule.id) ?? 0) + 1;
      this.failing.set(rule.id, failures);
      if (failures % 10 === 1) this.logger.error({ msg: 'Alert rule evaluation failed', ruleId: rule.id, failedTimes: failures, durationMs, error });
    }
  }
}
