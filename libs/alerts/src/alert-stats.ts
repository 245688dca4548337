/** Outcome of one scheduled evaluation of a rule. */
export type EvaluationOutcome = 'ok' | 'failed' | 'skipped-overlap' | 'superseded';

export interface RuleEvaluationStats {
  ok: number;
  failed: number;
  /** Ticks skipped because the previous one of the same rule was still running. */
  skippedOverlap: number;
  /** Ticks whose result was dropped because the rule changed or was deleted meanwhile. */
  superseded: number;
  /** Ticks that took longer than the rule's interval. */
  slow: number;
  lastDurationMs: number | null;
  lastError: string | null;
}

export interface ChannelStats {
  delivered: number;
  /** Attempts that failed (each one retried unless the failure was permanent). */
  failedAttempts: number;
  /** Notifications given up: refused permanently (4xx), or pushed out of a full backlog. */
  dropped: number;
  backlog: number;
}

/** Observes evaluation durations (the service hands in a Prometheus histogram). */
export interface EvaluationListener {
  evaluated(ruleId: string, outcome: EvaluationOutcome, seconds: number): void;
}

/** Plain counters of the alert engine; the service's metrics read them at scrape time. */
export class AlertStats {
  readonly rules = new Map<string, RuleEvaluationStats>();
  readonly channels = new Map<string, ChannelStats>();

  constructor(private readonly listener: EvaluationListener = { evaluated: () => undefined }) {}

  rule(ruleId: string): RuleEvaluationStats {
    let stats = this.rules.get(ruleId);
    if (stats === undefined) {
      stats = { ok: 0, failed: 0, skippedOverlap: 0, superseded: 0, slow: 0, lastDurationMs: null, lastError: null };
      this.rules.set(ruleId, stats);
    }
    return stats;
  }

  channel(label: string): ChannelStats {
    let stats = this.channels.get(label);
    if (stats === undefined) {
      stats = { delivered: 0, failedAttempts: 0, dropped: 0, backlog: 0 };
      this.channels.set(label, stats);
    }
    return stats;
  }

  evaluated(ruleId: string, outcome: EvaluationOutcome, durationMs: number, error?: unknown): void {
    const stats = this.rule(ruleId);
    if (outcome === 'ok') stats.ok++;
    else if (outcome === 'failed') stats.failed++;
    else if (outcome === 'skipped-overlap') stats.skippedOverlap++;
    else stats.superseded++;
    if (outcome !== 'skipped-overlap') stats.lastDurationMs = durationMs;
    if (outcome === 'failed') stats.lastError = error instanceof Error ? error.message : String(error);
    else if (outcome === 'ok') stats.lastError = null;
    this.listener.evaluated(ruleId, outcome, durationMs / 1000);
  }
}
