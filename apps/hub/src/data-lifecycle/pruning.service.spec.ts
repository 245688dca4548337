import type { HubLogger } from '@hub/common';
import { PruneStep, PruningService } from './pruning.service';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

/** A store of row ages (ms before NOW) that deletes the oldest first, as the repositories do. */
function store(ages: number[]) {
  const rows = [...ages].sort((a, b) => b - a);
  const batches: number[] = [];
  const batch = (cutoff: number, limit: number) => {
    const doomed = rows.filter((age) => NOW - age < cutoff).slice(0, limit);
    for (const age of doomed) rows.splice(rows.indexOf(age), 1);
    batches.push(doomed.length);
    return doomed.length;
  };
  return { rows, batches, batch };
}

function recordingLogger(): HubLogger & { entries: unknown[] } {
  const entries: unknown[] = [];
  return { entries, log: (entry) => entries.push(['log', entry]), warn: (entry) => entries.push(['warn', entry]), error: (entry) => entries.push(['error', entry]) };
}

describe('PruningService', () => {
  it('prunes each kind in batches until a batch comes back short, counts per kind, and logs one summary', async () => {
    const letters = store([10, 20, 30, 40, 50, 5]);
    const audit = store([100, 1]);
    const after: unknown[] = [];
    const steps: PruneStep[] = [
      { name: 'dead letters', periodMs: 8, batch: (cutoff, limit) => ({ rows: letters.batch(cutoff, limit), removed: { dead_letters: letters.batches.at(-1) } }) },
      { name: 'commands', periodMs: null, batch: () => { throw new Error('an off kind is never run'); } },
      { name: 'audit log', periodMs: 50, batch: (cutoff, limit) => { const rows = audit.batch(cutoff, limit); return { rows, removed: { audit_log: rows } }; }, after: (removed, cutoff) => after.push([removed, cutoff]) },
    ];
    const logger = recordingLogger();
    const pruning = new PruningService(steps, { batchRows: 2 }, logger, () => NOW);

    expect(await pruning.run()).toEqual({ dead_letters: 5, audit_log: 1 });
    expect(letters.batches).toEqual([2, 2, 1]);
    expect(letters.rows).toEqual([5]);
    expect(audit.rows).toEqual([1]);
    expect(after).toEqual([[{ audit_log: 1 }, NOW - 50]]);
    expect(pruning.removed('dead_letters')).toBe(5);
    expect(pruning.removed('alerts')).toBe(0);
    expect(logger.entries).toEqual([['log', { msg: 'Pruned old history', removed: { dead_letters: 5, audit_log: 1 }, tookMs: 0 }]]);

    expect(await pruning.run()).toEqual({});
    expect(after).toHaveLength(1);
    expect(logger.entries).toHaveLength(1);
    expect(pruning.removed('dead_letters')).toBe(5);
  });

  it('logs a failing step and still runs the others; the rows it removed before failing stay counted', async () => {
    let calls = 0;
    const steps: PruneStep[] = [
      {
        name: 'resolved alerts',
        periodMs: 1,
        batch: () => {
          if (++calls === 2) throw new Error('database is locked');
          return { rows: 1, removed: { alerts: 1, alert_events: 3 } };
        },
      },
      { name: 'dead letters', periodMs: 1, batch: () => ({ rows: 0, removed: { dead_letters: 0 } }) },
    ];
    const logger = recordingLogger();
    const pruning = new PruningService(steps, { batchRows: 1 }, logger, () => NOW);
    expect(await pruning.run()).toEqual({});
    expect(pruning.removed('alerts')).toBe(1);
    expect(pruning.removed('alert_events')).toBe(3);
    expect(logger.entries).toEqual([['error', { msg: 'Pruning failed; the next run tries again', step: 'resolved alerts', error: new Error('database is locked') }]]);
  });
});
