import { ALWAYS_LEADING } from '@hub/alerts';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import type { ReportDefinition } from './report-definition';
import type { ReportFigures } from './report-figures';
import { ReportRepository, type NewReportRun, type ReportDelivery } from './report.repository';

const FIGURES: ReportFigures = {
  availability: [],
  alerts: { total: 1, bySeverity: { critical: 1, warning: 0, info: 0 }, acknowledged: 0, meanTimeToAcknowledgeMs: null, medianTimeToAcknowledgeMs: null, resolved: 0, meanTimeToResolveMs: null, medianTimeToResolveMs: null },
  metrics: [],
};
const DEFINITION: Omit<ReportDefinition, 'id'> = {
  name: '城关镇 monthly', area: '城关镇', domain: 'water', period: 'monthly', language: 'zh', contactPoints: ['office', 'Night desk'], enabled: true,
  firstPeriodStart: 1_793_462_400_000, createdAt: 1000, createdBy: 'ada', updatedAt: 1000, updatedBy: 'ada',
};
const pending = (contactPoint: string): ReportDelivery => ({ contactPoint, status: 'pending', attempts: 0, answer: null });

function newRun(definitionId: number, periodStart: number, extra: Partial<NewReportRun> = {}): NewReportRun {
  return {
    definitionId, name: 'Daily', area: 'Ashford', domain: null, language: 'en', period: 'daily', periodStart, periodEnd: periodStart + 86_400_000, label: `day-${periodStart}`,
    trigger: 'schedule', createdAt: periodStart + 90_000_000, createdBy: 'hub', figures: FIGURES, deliveries: [], html: `<p>${periodStart}</p>`, csv: `\uFEFFday,${periodStart}`, ...extra,
  };
}

describe.each(TEST_STORES)('ReportRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let repository: ReportRepository;

  beforeEach(async () => {
    test = await open();
    repository = new ReportRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('stores definitions with increasing ids, changes all but their creation, and deletes them', async () => {
    const first = await repository.insertDefinition(DEFINITION);
    const second = await repository.insertDefinition({ ...DEFINITION, name: 'County weekly', area: '', domain: null, period: 'weekly', enabled: false });
    expect(second.id).toBeGreaterThan(first.id);
    expect(await repository.definitions()).toEqual([{ ...DEFINITION, id: first.id }, { ...DEFINITION, id: second.id, name: 'County weekly', area: '', domain: null, period: 'weekly', enabled: false }]);
    const changed: ReportDefinition = { ...first, name: 'Renamed', contactPoints: [], enabled: false, firstPeriodStart: 5, createdAt: 9, createdBy: 'mallory', updatedAt: 2000, updatedBy: 'bob' };
    await repository.updateDefinition(changed);
    expect(await repository.definition(first.id)).toEqual({ ...changed, createdAt: 1000, createdBy: 'ada' });
    await repository.deleteDefinition(first.id);
    expect(await repository.definition(first.id)).toBeUndefined();
    expect((await repository.definitions()).map((each) => each.id)).toEqual([second.id]);
  });

  it('stores one run per definition and period: a second scheduled one is not stored', async () => {
    const made = await repository.insertRun(newRun(1, 0, { deliveries: [pending('office')] }), false);
    const { html: _html, csv: _csv, ...stored } = newRun(1, 0, { deliveries: [pending('office')] });
    expect(made).toEqual({ ...stored, id: made?.id });
    expect(await repository.run(made?.id ?? 0)).toEqual(made);
    expect(await repository.insertRun(newRun(1, 0, { createdBy: 'other' }), false)).toBeUndefined();
    expect(await repository.insertRun(newRun(2, 0), false)).toBeDefined();
    expect(await repository.periodsDone(1)).toEqual(new Set([0]));
    expect((await repository.runs(10)).map((run) => [run.definitionId, run.createdBy])).toEqual([[2, 'hub'], [1, 'hub']]);
  });

  it('replaces a period’s run, carrying over the emails not sent yet that the new run does not name', async () => {
    const old = await repository.insertRun(newRun(1, 0, { deliveries: [pending('office'), { contactPoint: 'sent-one', status: 'sent', attempts: 1, answer: '250' }, pending('Night desk')] }), false);
    const manual = await repository.insertRun(newRun(1, 0, { trigger: 'manual', createdBy: 'alice', deliveries: [pending('office')] }), true);
    expect(manual?.id).not.toBe(old?.id);
    expect(manual?.deliveries).toEqual([pending('office'), pending('Night desk')]);
    expect(await repository.runs(10)).toEqual([manual]);
    expect(await repository.rendering(manual?.id ?? 0, 'csv')).toBe('\uFEFFday,0');
  });

  it('pages runs newest first before an id, and keeps each rendering apart', async () => {
    const ids: number[] = [];
    for (let day = 0; day < 5; day++) ids.push((await repository.insertRun(newRun(1, day * 86_400_000), false))?.id ?? 0);
    expect((await repository.runs(2)).map((run) => run.id)).toEqual([ids[4], ids[3]]);
    expect((await repository.runs(2, ids[3])).map((run) => run.id)).toEqual([ids[2], ids[1]]);
    expect((await repository.runs(10, ids[0])).map((run) => run.id)).toEqual([]);
    expect(await repository.run(ids[2])).toMatchObject({ id: ids[2], periodStart: 2 * 86_400_000, figures: FIGURES });
    expect(await repository.rendering(ids[2], 'html')).toBe(`<p>${2 * 86_400_000}</p>`);
    expect(await repository.run(999_999)).toBeUndefined();
    expect(await repository.rendering(999_999, 'html')).toBeUndefined();
  });

  it('finds the runs with an email pending, oldest first, whatever the contact points are called', async () => {
    const sent = { contactPoint: 'office', status: 'sent', attempts: 1, answer: '250 ok' } as const;
    const a = await repository.insertRun(newRun(1, 0, { deliveries: [pending('office')] }), false);
    await repository.insertRun(newRun(1, 86_400_000, { deliveries: [sent, { contactPoint: '"PENDING"', status: 'failed', attempts: 5, answer: '"pending"' }] }), false);
    const c = await repository.insertRun(newRun(2, 0, { deliveries: [sent, pending('Night desk')] }), false);
    expect((await repository.runsWithPendingDeliveries()).map((run) => run.id)).toEqual([a?.id, c?.id]);
    await repository.updateDeliveries(a?.id ?? 0, [sent]);
    expect((await repository.runsWithPendingDeliveries()).map((run) => run.id)).toEqual([c?.id]);
    expect((await repository.run(a?.id ?? 0))?.deliveries).toEqual([sent]);
  });

  it('claims a pending email once until its claim runs out, records its outcome without the claim, and leaves a gone run alone', async () => {
    const leader = ALWAYS_LEADING;
    const run = await repository.insertRun(newRun(1, 0, { deliveries: [pending('office'), pending('Night desk')] }), false);
    const id = run?.id ?? 0;
    const claim = (contactPoint: string, now: number) => repository.fenced(leader, (tx) => repository.claimDelivery(id, contactPoint, now, now + 1000, tx));
    expect(await claim('office', 5000)).toEqual({ ...pending('office'), claimedUntil: 6000 });
    expect(await claim('office', 5999)).toBeUndefined(); // held by the send in progress
    expect(await claim('nobody', 5000)).toBeUndefined();
    expect((await repository.run(id))?.deliveries).toEqual([{ ...pending('office'), claimedUntil: 6000 }, pending('Night desk')]);
    expect(await claim('office', 6000)).toEqual({ ...pending('office'), claimedUntil: 7000 }); // the claim ran out (its sender died)
    await repository.fenced(leader, (tx) => repository.recordDelivery(id, { contactPoint: 'office', status: 'sent', attempts: 1, answer: '250 ok', claimedUntil: 7000 }, tx));
    expect((await repository.run(id))?.deliveries).toEqual([{ contactPoint: 'office', status: 'sent', attempts: 1, answer: '250 ok' }, pending('Night desk')]);
    expect(await claim('office', 9000)).toBeUndefined(); // sent: not pending any more
    // A fenced transaction that is refused claims nothing.
    const refused = { fence: () => Promise.reject(new Error('not leading')), heldLocally: () => false };
    await expect(repository.fenced(refused, (tx) => repository.claimDelivery(id, 'Night desk', 9000, 10_000, tx))).rejects.toThrow('not leading');
    expect((await repository.run(id))?.deliveries[1]).toEqual(pending('Night desk'));
    await repository.fenced(leader, (tx) => repository.recordDelivery(999_999, { contactPoint: 'office', status: 'sent', attempts: 1, answer: '250 ok' }, tx));
    expect(await repository.fenced(leader, (tx) => repository.claimDelivery(999_999, 'office', 0, 1, tx))).toBeUndefined();
  });

  it('reads the alerts of an area, its villages included, and a domain, fired within the period', async () => {
    // One open alert per rule and device (alerts_one_open): each here is its own rule's.
    const alert = (town: string | null, village: string | null, domain: string, firedAt: number, severity = 'critical') => ({
      rule_id: `r${firedAt}`, rule_name: 'R', condition_type: 'threshold', severity, domain, metric: 'm', unit: 'u', device_id: 'd', town, village, state: 'open', summary: '',
      started_at: firedAt, fired_at: firedAt, updated_at: firedAt, condition_active: 1, condition_ended_at: null, value: 1, value_at: firedAt, peak: 1, peak_score: 1, count: 1,
      flapping: 0, openings: '[]', acknowledged_by: null, acknowledged_at: firedAt === 150 ? 160 : null, acknowledge_note: null, resolved_at: firedAt === 150 ? 170 : null, resolved_by: null, resolution: null,
    });
    await test.store.db.insertInto('alerts').values([
      alert('Ashford', null, 'water', 100), alert('Ashford', 'North', 'water', 150, 'warning'), alert('Ashford', 'North', 'power', 199), alert('ashford', null, 'water', 120),
      alert('Brook', null, 'water', 130), alert('Ashford', null, 'water', 200), alert('Ashford', null, 'water', 99), alert(null, null, 'water', 110),
    ]).execute();
    const severities = async (town: string | null, village: string | null, domain: string | null) => (await repository.alerts({ town, village }, domain, 100, 200)).map((each) => [each.severity, each.firedAt]);
    expect(await severities('Ashford', null, 'water')).toEqual([['critical', 100], ['warning', 150]]);
    expect(await severities('Ashford', null, null)).toEqual([['critical', 100], ['warning', 150], ['critical', 199]]);
    expect(await severities('Ashford', 'North', null)).toEqual([['warning', 150], ['critical', 199]]);
    expect(await severities(null, null, 'water')).toEqual([['critical', 100], ['warning', 150], ['critical', 120], ['critical', 130], ['critical', 110]]);
    expect(await repository.alerts({ town: 'Ashford', village: 'North' }, 'water', 100, 200)).toEqual([{ severity: 'warning', firedAt: 150, acknowledgedAt: 160, resolvedAt: 170 }]);
  });
});
