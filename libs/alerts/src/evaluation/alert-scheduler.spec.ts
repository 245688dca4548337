import { AlertStats } from '../alert-stats';
import { AlertRule } from '../rules/alert-rule';
import { aRule } from '../testing/alert-fixtures';
import { RecordingLogger } from '@hub/common/testing';
import { EvaluationReport } from './alert-evaluation.service';
import { AlertScheduler, IntervalJobs } from './alert-scheduler';

/** Interval jobs that run only when the test says so. */
class ManualJobs implements IntervalJobs {
  readonly jobs = new Map<string, { everyMs: number; run: () => void }>();
  readonly log: string[] = [];

  add(name: string, everyMs: number, run: () => void): void {
    this.jobs.set(name, { everyMs, run });
    this.log.push(`add ${name} ${everyMs}`);
  }

  remove(name: string): void {
    this.jobs.delete(name);
    this.log.push(`remove ${name}`);
  }
}

const OK: EvaluationReport = { outcome: 'ok', queries: 1, devicesEvaluated: 0, alertsChanged: 0, events: 0 };

describe('AlertScheduler', () => {
  let jobs: ManualJobs;
  let rules: Map<string, AlertRule>;
  let stats: AlertStats;
  let logger: RecordingLogger;
  let clock: number;
  let evaluate: jest.Mock<Promise<EvaluationReport>, [AlertRule]>;
  let scheduler: AlertScheduler;
  const rule = (id: string, evaluateEvery = '1s', enabled = true): AlertRule =>
    ({ ...aRule({ selector: { domain: 'gas', metric: 'methane_pct_lel' }, evaluateEvery, condition: { type: 'threshold', operator: 'above', value: 20 } }, id), enabled });

  beforeEach(() => {
    jobs = new ManualJobs();
    rules = new Map();
    stats = new AlertStats();
    logger = new RecordingLogger();
    clock = 0;
    evaluate = jest.fn(async (_rule: AlertRule) => OK);
    scheduler = new AlertScheduler(jobs, async (id) => rules.get(id), evaluate, stats, logger, () => clock);
  });

  afterEach(() => scheduler.stop());

  function sync(...list: AlertRule[]): void {
    rules = new Map(list.map((item) => [item.id, item]));
    scheduler.sync(list);
  }

  /** Syncs and lets the first evaluation of each new rule (which runs right away) finish, then forgets it. */
  async function syncAndSettle(...list: AlertRule[]): Promise<void> {
    sync(...list);
    await new Promise((resolve) => setTimeout(resolve, 20));
    evaluate.mockClear();
    stats.rules.clear();
  }

  it('registers one named job per enabled rule, re-times changed ones and removes the rest', () => {
    sync(rule('a'), rule('b', '30s'), rule('c', '1s', false));
    expect([...jobs.jobs].map(([name, job]) => [name, job.everyMs])).toEqual([
      ['alert-rule:a', 1000],
      ['alert-rule:b', 30_000],
    ]);
    sync(rule('a', '5s'), rule('c'));
    expect(jobs.log.slice(2)).toEqual(['remove alert-rule:a', 'remove alert-rule:b', 'add alert-rule:a 5000', 'add alert-rule:c 1000']);
    expect(scheduler.isScheduled('b')).toBe(false);
  });

  it('never runs two evaluations of one rule at once; the skipped tick is counted and logged', async () => {
    await syncAndSettle(rule('a'));
    let finish!: () => void;
    evaluate.mockImplementationOnce(() => new Promise((resolve) => (finish = () => resolve(OK))));
    const first = scheduler.tick('a');
    // The rule is read first (a query): let the evaluation start.
    await new Promise((resolve) => setImmediate(resolve));
    await scheduler.tick('a');
    finish();
    await first;
    expect(evaluate).toHaveBeenCalledTimes(1);
    expect(stats.rule('a')).toMatchObject({ ok: 1, skippedOverlap: 1 });
    expect(logger.messages('warn')).toEqual(['Alert rule evaluation skipped: the previous one is still running']);
    await scheduler.tick('a');
    expect(evaluate).toHaveBeenCalledTimes(2);
  });

  it('counts a tick as running while it still reads its rule: a tick then is skipped, not a second evaluation', async () => {
    let release!: () => void;
    const slowLoad = new AlertScheduler(
      jobs,
      (id) => new Promise<AlertRule | undefined>((resolve) => (release = () => resolve(rules.get(id)))),
      evaluate,
      stats,
      logger,
      () => clock,
    );
    rules.set('a', rule('a'));
    const first = slowLoad.tick('a');
    await slowLoad.tick('a');
    expect(stats.rule('a')).toMatchObject({ skippedOverlap: 1 });
    release();
    await first;
    expect(evaluate).toHaveBeenCalledTimes(1);
    await slowLoad.stop();
  });

  it('counts and logs a rule that cannot be read like a failed evaluation, without throwing', async () => {
    const broken = new AlertScheduler(jobs, () => Promise.reject(new Error('database closed')), evaluate, stats, logger, () => clock);
    await broken.tick('a');
    expect(evaluate).not.toHaveBeenCalled();
    expect(stats.rule('a')).toMatchObject({ failed: 1, lastError: 'database closed' });
    expect(logger.messages('error')).toEqual(['Alert rule could not be read for its evaluation']);
    await broken.stop();
  });

  it('counts and logs a failed evaluation without throwing, and a slow one', async () => {
    await syncAndSettle(rule('a'));
    evaluate.mockImplementationOnce(async () => {
      clock += 300;
      throw new Error('InfluxDB unreachable');
    });
    await scheduler.tick('a');
    expect(stats.rule('a')).toMatchObject({ failed: 1, lastError: 'InfluxDB unreachable', lastDurationMs: 300 });
    expect(logger.messages('error')).toEqual(['Alert rule evaluation failed']);
    evaluate.mockImplementationOnce(async () => {
      clock += 1500;
      return OK;
    });
    await scheduler.tick('a');
    expect(stats.rule('a')).toMatchObject({ ok: 1, slow: 1, lastError: null, lastDurationMs: 1500 });
    expect(logger.messages('warn')).toEqual(['Alert rule evaluation took longer than its interval']);
  });

  it('logs a rule that keeps failing once (and every tenth time), and when it works again', async () => {
    await syncAndSettle(rule('a'));
    evaluate.mockImplementation(async () => {
      throw new Error('InfluxDB unreachable');
    });
    for (let tick = 0; tick < 11; tick++) await scheduler.tick('a');
    expect(stats.rule('a').failed).toBe(11);
    expect(logger.entries.filter((entry) => entry.level === 'error').map((entry) => (entry.message as { failedTimes: number }).failedTimes)).toEqual([1, 11]);
    evaluate.mockImplementation(async () => OK);
    await scheduler.tick('a');
    expect(logger.messages('log')).toEqual(['Alert rule evaluation works again']);
  });

  it('evaluates a newly scheduled rule right away, and the current version of it on every tick', async () => {
    sync(rule('a'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(evaluate).toHaveBeenCalledTimes(1);
    rules.set('a', { ...rule('a'), name: 'Renamed' });
    jobs.jobs.get('alert-rule:a')?.run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(evaluate.mock.calls[1][0].name).toBe('Renamed');
  });

  it('stops: removes every job and waits for the evaluation in flight', async () => {
    await syncAndSettle(rule('a'), rule('b'));
    let finished = false;
    evaluate.mockImplementationOnce(() => new Promise((resolve) => setTimeout(() => ((finished = true), resolve(OK)), 30)));
    void scheduler.tick('a');
    await scheduler.stop();
    expect(finished).toBe(true);
    expect(jobs.jobs.size).toBe(0);
    await scheduler.tick('b');
    expect(evaluate).toHaveBeenCalledTimes(1);
  });
});
