import type { PruneConfig } from '@hub/config';
import type { HubLogger } from '@hub/common';

/** What pruning counts, as hub_pruned_rows_total's `kind` label. */
export const PRUNED_KINDS = ['alerts', 'alert_events', 'delivery_log', 'dead_letters', 'audit_log', 'commands'] as const;
export type PrunedKind = (typeof PRUNED_KINDS)[number];
export type PrunedRows = Readonly<Partial<Record<PrunedKind, number>>>;

export interface PruneBatch {
  readonly rows: number;
  readonly removed: PrunedRows;
}

/**
 * One kind of history and how to prune a batch of it: `batch` deletes at most `limit` of its rows older than `cutoff`
 * in one transaction and answers what it removed, `rows` being the count the limit applies to.
 */
/** What one batch removed: how many rows of the step's own kind, and of each kind it took with it. */
export interface PruneBatch {
  readonly rows: number;
  readonly removed: PrunedRows;
}

export interface PruneStep {
  readonly name: string;
  readonly periodMs: number | null;
  readonly batch: (cutoff: number, limit: number) => PruneBatch | Promise<PruneBatch>;
  /** Called once after the step removed something (the audit log audits its own pruning). */
  readonly after?: (removed: PrunedRows, cutoff: number) => unknown;
}

/**
 * Deletes history older than its configured period, one kind after the other, in batches of `batchRows`, yielding to
 * the event loop between batches: SQLite has one writer, and a single DELETE of a year of dead letters would hold its
 * lock (and with it ingest's dead letters, alert evaluations, operators' changes) for as long as it took.
 */
export class PruningService {
  private readonly totals = new Map<PrunedKind, number>(PRUNED_KINDS.map((kind) => [kind, 0]));

  constructor(
    private readonly steps: readonly PruneStep[],
    private readonly config: Pick<PruneConfig, 'batchRows'>,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Rows removed since the start, per kind: hub_pruned_rows_total. */
  removed(kind: PrunedKind): number {
    return this.totals.get(kind) ?? 0;
  }

  /** One pass over every step; answers what it removed. A step that fails is logged and the others still run. */
  async run(): Promise<PrunedRows> {
    const started = this.clock();
    const removed: Partial<Record<PrunedKind, number>> = {};
    for (const step of this.steps) {
      if (step.periodMs === null) continue;
      const cutoff = started - step.periodMs;
      try {
        const ofStep = await this.runStep(step, cutoff);
        for (const [kind, count] of Object.entries(ofStep) as [PrunedKind, number][]) removed[kind] = (removed[kind] ?? 0) + count;
        if (Object.values(ofStep).some((count) => count > 0)) await step.after?.(ofStep, cutoff);
      } catch (error) {
        this.logger.error({ msg: 'Pruning failed; the next run tries again', step: step.name, error });
      }
    }
    const total = Object.values(removed).reduce((sum, count) => sum + count, 0);
    if (total > 0) this.logger.log({ msg: 'Pruned old history', removed, tookMs: this.clock() - started });
    return removed;
  }

  private async runStep(step: PruneStep, cutoff: number): Promise<PrunedRows> {
    const removed: Partial<Record<PrunedKind, number>> = {};
    for (;;) {
      const batch = await step.batch(cutoff, this.config.batchRows);
      for (const [kind, count] of Object.entries(batch.removed) as [PrunedKind, number][]) {
        if (count === 0) continue;
        removed[kind] = (removed[kind] ?? 0) + count;
        this.totals.set(kind, (this.totals.get(kind) ?? 0) + count);
      }
      if (batch.rows < this.config.batchRows) return removed;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
