import { LeaderLease } from '@hub/cluster';
import { SILENT_LOGGER } from '@hub/common';
import type { ContactPoint, DeliveryResult, EmailDocument } from '@hub/notify';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import type { ReportFigures } from './report-figures';
import { periodOfDate, type ReportPeriod } from './report-period';
import { MAX_DELIVERY_ATTEMPTS, ReportRunner } from './report-runner';
import { ReportRepository } from './report.repository';

const ZONE = 'Asia/Shanghai';
const FIGURES: ReportFigures = {
  availability: [],
  alerts: { total: 0, bySeverity: { critical: 0, warning: 0, info: 0 }, acknowledged: 0, meanTimeToAcknowledgeMs: null, medianTimeToAcknowledgeMs: null, resolved: 0, meanTimeToResolveMs: null, medianTimeToResolveMs: null },
  metrics: [],
};
const MAIL: ContactPoint = { name: 'office', kind: 'email', language: null, settings: { host: 'smtp', port: 25, security: 'none', username: null, password: null, ca: null, from: 'hub@county.example', to: ['office@county.example'] } };

/** The runner over a real (in-memory) SQLite store; the figures and the mail server are the test's. */
const stores: TestStore[] = [];
afterEach(async () => {
  for (const test of stores.splice(0)) await test.dispose();
});

async function setUp(now: { t: number }, answers: DeliveryResult[] = [], influx = { down: false }, rawKeepMs: number | null = null) {
  const test = await sqliteTestStore();
  stores.push(test);
  const repository = new ReportRepository(test.store);
  const made: string[] = [];
  const sent: EmailDocument[] = [];
  const runner = new ReportRunner({
    repository,
    figures: (_spec, period: ReportPeriod) => {
      if (influx.down) return Promise.reject(new Error('InfluxDB down'));
      made.push(period.label);
      return Promise.resolve(FIGURES);
    },
    contactPoint: (name) => (name === 'office' ? MAIL : undefined),
    sendDocument: (_point, document) => {
      sent.push(document);
      return Promise.resolve(answers.shift() ?? { ok: true, status: 250, providerAnswer: '250 ok', retryable: false });
    },
    timeZone: ZONE,
    publicUrl: 'https://hub.county.example/',
    logger: { log: () => undefined, error: () => undefined },
    now: () => now.t,
    rawKeepMs,
  });
  return { repository, runner, made, sent };
}

const define = (repository: ReportRepository, firstPeriodStart: number, contactPoints: string[] = ['office']) =>
  repository.insertDefinition({ name: 'Daily', area: 'Ashford', domain: null, period: 'daily', language: 'en', contactPoints, enabled: true, firstPeriodStart, createdAt: 0, createdBy: 'admin', updatedAt: 0, updatedBy: 'admin' });

describe('ReportRunner', () => {
  const firstDay = periodOfDate('daily', { year: 2026, month: 11, day: 28 }, ZONE);

  it('makes each closed period once, catching up the days missed while down, and the next day when it closes', async () => {
    // 1 December, 10:00 in Shanghai: 28, 29 and 30 November are closed.
    const now = { t: Date.parse('2026-12-01T02:00:00Z') };
    const { repository, runner, made, sent } = await setUp(now);
    await define(repository, firstDay.start);
    await runner.check();
    expect(made).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
    await runner.check();
    expect(made).toHaveLength(3);
    expect(sent.map((mail) => mail.subject)).toEqual(['Report Daily: Ashford, 2026-11-28', 'Report Daily: Ashford, 2026-11-29', 'Report Daily: Ashford, 2026-11-30']);
    expect(sent[0].text).toContain('All reports: https://hub.county.example/reports\n');
    expect(sent[0].attachments.map((attachment) => attachment.filename)).toEqual(['report-1-2026-11-28.csv', 'report-1-2026-11-28.html']);
    now.t = Date.parse('2026-12-01T16:00:00Z'); // Shanghai's midnight: 1 December closes.
    await runner.check();
    expect(made).toEqual(['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01']);
    expect((await repository.runs(10)).map((run) => [run.label, run.trigger, run.deliveries[0].status])).toEqual([
      ['2026-12-01', 'schedule', 'sent'],
      ['2026-11-30', 'schedule', 'sent'],
      ['2026-11-29', 'schedule', 'sent'],
      ['2026-11-28', 'schedule', 'sent'],
    ]);
  });

  it('skips disabled definitions', async () => {
    const { repository, runner, made } = await setUp({ t: Date.parse('2026-12-01T02:00:00Z') });
    const definition = await define(repository, firstDay.start);
    await repository.updateDefinition({ ...definition, enabled: false });
    await runner.check();
    expect(made).toEqual([]);
  });

  it('retries an email the server deferred at each check, gives up after its attempts, and fails one whose contact point is gone', async () => {
    const deferred: DeliveryResult = { ok: false, status: 451, providerAnswer: '451 try later', retryable: true };
    const { repository, runner, sent } = await setUp({ t: Date.parse('2026-11-29T02:00:00Z') }, [deferred, { ok: true, status: 250, providerAnswer: '250 ok', retryable: false }]);
    await define(repository, firstDay.start, ['office', 'gone']);
    await runner.check();
    expect((await repository.runs(1))[0].deliveries).toEqual([
      { contactPoint: 'office', status: 'pending', attempts: 1, answer: '451 try later' },
      { contactPoint: 'gone', status: 'failed', attempts: 1, answer: 'no contact point gone (deleted since the report named it?)' },
    ]);
    await runner.check();
    expect((await repository.runs(1))[0].deliveries[0]).toEqual({ contactPoint: 'office', status: 'sent', attempts: 2, answer: '250 ok' });
    expect(sent).toHaveLength(2);

    const always = await setUp({ t: Date.parse('2026-11-29T02:00:00Z') }, Array.from({ length: 10 }, () => deferred));
    await define(always.repository, firstDay.start);
    for (let check = 0; check < MAX_DELIVERY_ATTEMPTS + 2; check++) await always.runner.check();
    expect((await always.repository.runs(1))[0].deliveries).toEqual([{ contactPoint: 'office', status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, answer: '451 try later' }]);
    expect(always.sent).toHaveLength(MAX_DELIVERY_ATTEMPTS);
  });

  it('keeps a period due when its figures cannot be read, and makes it at the next check', async () => {
    const now = { t: Date.parse('2026-11-29T02:00:00Z') };
    const influx = { down: true };
    const { repository, runner } = await setUp(now, [], influx);
    await define(repository, firstDay.start);
    await runner.check();
    expect(await repository.runs(10)).toEqual([]);
    influx.down = false;
    await runner.check();
    expect((await repository.runs(10)).map((run) => run.label)).toEqual(['2026-11-28']);
  });

  it('replaces a period’s report on a manual run, and never stores a second scheduled one', async () => {
    const { repository, runner } = await setUp({ t: Date.parse('2026-11-29T02:00:00Z') });
    const definition = await define(repository, firstDay.start);
    const scheduled = await runner.make(definition, firstDay, 'schedule', 'hub', false);
    expect(await runner.make(definition, firstDay, 'schedule', 'hub', false)).toBeUndefined();
    const manual = await runner.make(definition, firstDay, 'manual', 'alice', true);
    // The scheduled report's email was not sent yet: it goes with the report that replaced it.
    expect(manual?.deliveries).toEqual([{ contactPoint: 'office', status: 'pending', attempts: 0, answer: null }]);
    expect((await repository.runs(10)).map((run) => [run.id, run.trigger, run.createdBy])).toEqual([[manual?.id, 'manual', 'alice']]);
    expect(manual?.id).not.toBe(scheduled?.id);
  });

  it('keeps a replaced report’s unsent emails, and sends each once however many callers ask at the same time', async () => {
    const { repository, runner, sent } = await setUp({ t: Date.parse('2026-11-29T02:00:00Z') });
    const definition = await define(repository, firstDay.start);
    await runner.make(definition, firstDay, 'schedule', 'hub', false);
    await runner.make(definition, firstDay, 'manual', 'alice', true, false);
    await Promise.all([runner.deliverPending(), runner.deliverPending(), runner.deliverPending()]);
    expect(sent.map((mail) => mail.subject)).toEqual(['Report Daily: Ashford, 2026-11-28']);
    expect((await repository.runs(10)).map((run) => [run.trigger, run.deliveries.map((delivery) => [delivery.contactPoint, delivery.status, delivery.attempts])])).toEqual([['manual', [['office', 'sent', 1]]]]);
  });

  it('does not make a period whose raw readings are no longer kept: its report would say nothing reported', async () => {
    // 1 December, 10:00 in Shanghai, raw readings kept 3 days (from 28 November, 10:00): 29 and 30 November are made,
    // the 28th, which began at its midnight, is not.
    const now = { t: Date.parse('2026-12-01T02:00:00Z') };
    const { repository, runner, made } = await setUp(now, [], { down: false }, 3 * 86_400_000);
    await define(repository, firstDay.start);
    await runner.check();
    expect(made).toEqual(['2026-11-29', '2026-11-30']);
    expect(runner.readingsKept(firstDay)).toBe(false);
  });
});

describe('ReportRunner in a cluster (the leader lease fences its emails)', () => {
  const firstDay = periodOfDate('daily', { year: 2026, month: 11, day: 28 }, ZONE);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const leases: LeaderLease[] = [];
  afterEach(async () => {
    for (const lease of leases.splice(0)) await lease.stop();
  });

  /** Two nodes' runners on one shared store, each with its own lease (driven by the test) and mail log. */
  async function twoNodes(now: { t: number }) {
    const test = await sqliteTestStore();
    stores.push(test);
    const repository = new ReportRepository(test.store);
    const node = (nodeId: string, leaseMs: number) => {
      const lease = new LeaderLease(test.store, { name: 'alerts', nodeId, leaseMs, renewEveryMs: Math.floor(leaseMs / 4) }, SILENT_LOGGER);
      leases.push(lease);
      const sent: string[] = [];
      /** Set to hold this node between its claim and its send (a freeze). */
      const freeze: { until: Promise<void> | null; reached: () => void } = { until: null, reached: () => undefined };
      const runner = new ReportRunner({
        repository,
        figures: () => Promise.resolve(FIGURES),
        contactPoint: async (name) => {
          if (freeze.until !== null) {
            freeze.reached();
            await freeze.until;
          }
          return name === 'office' || name === 'mayor' ? MAIL : undefined;
        },
        sendDocument: () => {
          sent.push(nodeId);
          return Promise.resolve({ ok: true, status: 250, providerAnswer: '250 ok', retryable: false });
        },
        timeZone: ZONE,
        publicUrl: 'https://hub.county.example/',
        logger: { log: () => undefined, error: () => undefined },
        now: () => now.t,
        leader: lease,
        claimMs: 60_000,
      });
      return { lease, runner, sent, freeze };
    };
    return { repository, node };
  }

  it('a leader frozen between its claim and its send sends nothing when it resumes, and the new leader sends once the claim ran out', async () => {
    const now = { t: Date.parse('2026-11-29T02:00:00Z') };
    const { repository, node } = await twoNodes(now);
    const a = node('node-a', 200);
    const b = node('node-b', 5_000);
    await define(repository, firstDay.start, ['office', 'mayor']);
    await a.lease.attempt();
    let resume!: () => void;
    a.freeze.until = new Promise<void>((resolve) => (resume = resolve));
    const frozen = new Promise<void>((resolve) => (a.freeze.reached = resolve));
    const checking = a.runner.check();
    await frozen; // a claimed the office's email and froze before sending it
    await sleep(250); // past a's lease
    await b.lease.attempt();
    expect([a.lease.heldLocally(), b.lease.isLeader]).toEqual([false, true]);
    await b.runner.deliverPending();
    // b sends the mayor's email, not the office's: a's claim holds it.
    expect(b.sent).toEqual(['node-b']);
    a.freeze.until = null;
    resume();
    await checking;
    expect(a.sent).toEqual([]);
    const deliveries = async () => (await repository.runs(1))[0].deliveries.map((each) => [each.contactPoint, each.status, each.attempts]);
    expect(await deliveries()).toEqual([['office', 'pending', 0], ['mayor', 'sent', 1]]);
    // a's claim runs out: the new leader sends the office's email, once.
    now.t += 60_001;
    await b.runner.deliverPending();
    await b.runner.deliverPending();
    expect([a.sent, b.sent]).toEqual([[], ['node-b', 'node-b']]);
    expect(await deliveries()).toEqual([['office', 'sent', 1], ['mayor', 'sent', 1]]);
    expect((await repository.runs(1))[0].deliveries.some((each) => each.claimedUntil !== undefined)).toBe(false);
  });

  it('a follower asked to deliver (a manual run with delivery) sends nothing: the emails stay pending for the leader, which sends each once', async () => {
    const now = { t: Date.parse('2026-11-29T02:00:00Z') };
    const { repository, node } = await twoNodes(now);
    const leader = node('node-a', 5_000);
    const follower = node('node-b', 5_000);
    const definition = await define(repository, firstDay.start);
    await leader.lease.attempt();
    await follower.lease.attempt();
    const run = await follower.runner.make(definition, firstDay, 'manual', 'alice', true, true);
    await Promise.all([follower.runner.deliverPending(), leader.runner.deliverPending()]);
    await follower.runner.deliverPending();
    expect([leader.sent, follower.sent]).toEqual([['node-a'], []]);
    expect((await repository.run(run!.id))?.deliveries).toEqual([{ contactPoint: 'office', status: 'sent', attempts: 1, answer: '250 ok' }]);
  });
});
