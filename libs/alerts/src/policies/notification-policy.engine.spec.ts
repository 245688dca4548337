import { MetricCatalogue } from '@hub/contract';
import { SILENT_LOGGER } from '@hub/common';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { T0 } from '../testing/alert-fixtures';
import { RecordingContactPoints } from '../testing/recording-contact-points';
import { NotificationPolicyEngine } from './notification-policy.engine';

describe('NotificationPolicyEngine tick', () => {
  let test: TestStore;
  let engine: NotificationPolicyEngine;
  let jobs: Map<string, () => void>;
  let errors: unknown[];

  beforeEach(async () => {
    test = await sqliteTestStore();
    jobs = new Map();
    errors = [];
    engine = new NotificationPolicyEngine(
      { tickMs: 1000, retryMinMs: 1000, retryMaxMs: 8000, defaultTimeZone: 'UTC', giveUpAfterMs: 600_000, claimMs: 30_000 },
      {
        store: test.store,
        contactPoints: new RecordingContactPoints(['county-duty']),
        jobs: { add: (name, _everyMs, run) => void jobs.set(name, run), remove: (name) => void jobs.delete(name) },
        audit: { record: () => Promise.resolve() },
        catalogue: MetricCatalogue.BUILT_IN,
        loggerFor: () => ({ ...SILENT_LOGGER, error: (message: unknown) => void errors.push(message) }),
        clock: () => T0,
      },
    );
    await engine.start();
  });

  afterEach(async () => {
    await engine.stop();
    await test.dispose();
  });

  it('never runs two ticks at once: a tick due while one runs is that one, and the next starts after it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ticks: number[] = [];
    jest.spyOn(engine.router, 'tick').mockImplementation(async (now) => {
      ticks.push(now);
      await held;
      return 0;
    });
    const first = engine.tick();
    jobs.get(NotificationPolicyEngine.JOB)?.(); // the scheduler's interval fires while the first still runs
    expect(engine.tick()).toBe(first);
    release();
    await first;
    expect(ticks).toEqual([T0]);
    await engine.tick();
    expect(ticks).toEqual([T0, T0]);
  });

  it('logs a failed tick and never rejects into the scheduler', async () => {
    jest.spyOn(engine.router, 'tick').mockRejectedValue(new Error('connection lost'));
    await expect(engine.tick()).resolves.toBeUndefined();
    expect(errors).toEqual([{ msg: 'Notification policy tick failed', error: new Error('connection lost') }]);
  });
});
