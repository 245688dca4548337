import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { NewAlertSilence } from '../silences/alert-silence';
import { T0 } from '../testing/alert-fixtures';
import { AlertSilenceRepository } from './alert-silence.repository';

const H = 3_600_000;

function window(startsAt: number, endsAt: number, deviceId: string | null = 'w-1', place: Partial<NewAlertSilence> = {}): NewAlertSilence {
  return { domain: null, town: null, deviceId, ruleId: null, startsAt, endsAt, reason: 'pump swap', createdBy: 'ops', createdAt: T0, ...place };
}

describe.each(TEST_STORES)('AlertSilenceRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let silences: AlertSilenceRepository;
  let ids: number[];

  beforeEach(async () => {
    test = await open();
    silences = new AlertSilenceRepository(test.store);
    ids = [];
    for (const silence of [window(T0 - 3 * H, T0 - 2 * H, 'past'), window(T0 - H, T0 + H, 'now'), window(T0 + 2 * H, T0 + 3 * H, 'planned')]) {
      ids.push((await silences.insert(silence)).id);
    }
  });
  afterEach(() => test.dispose());

  it('gives new silences increasing ids and reads them back exactly', async () => {
    expect(ids[1]).toBeGreaterThan(ids[0]);
    expect(ids[2]).toBeGreaterThan(ids[1]);
    expect(await silences.get(ids[1])).toEqual({ ...window(T0 - H, T0 + H, 'now'), id: ids[1] });
  });

  it('lists active, not yet ended, or all silences, newest first', async () => {
    expect((await silences.list({ activeAt: T0, limit: 10 })).map((silence) => silence.deviceId)).toEqual(['now']);
    expect((await silences.list({ endingAfter: T0, limit: 10 })).map((silence) => silence.deviceId)).toEqual(['planned', 'now']);
    expect((await silences.list({ limit: 2 })).map((silence) => silence.id)).toEqual([ids[2], ids[1]]);
  });

  it('keeps to a scope: a town (and its villages) and a domain, case-sensitively', async () => {
    const ashford = await silences.insert(window(T0, T0 + H, null, { town: 'Ashford', domain: 'water' }));
    const village = await silences.insert(window(T0, T0 + H, null, { town: 'Ashford/Mill End', domain: 'gas' }));
    await silences.insert(window(T0, T0 + H, null, { town: 'Ashford_Heath', domain: 'water' }));
    await silences.insert(window(T0, T0 + H, null, { town: 'ashford', domain: 'water' }));
    const within = async (towns: string[], domains: ('water' | 'gas')[]): Promise<number[]> =>
      (await silences.list({ within: { towns, domains }, limit: 10 })).map((silence) => silence.id);
    expect(await within(['Ashford'], [])).toEqual([village.id, ashford.id]);
    expect(await within(['Ashford'], ['water'])).toEqual([ashford.id]);
    expect(await within(['Ashford/Mill End'], [])).toEqual([village.id]);
  });

  it('finds those in force at some point of a window', async () => {
    expect((await silences.overlapping(T0 - 2.5 * H, T0 - 1.5 * H)).map((silence) => silence.deviceId)).toEqual(['past']);
    expect((await silences.overlapping(T0 - 0.5 * H, T0)).map((silence) => silence.deviceId)).toEqual(['now']);
    expect(await silences.overlapping(T0 + 1.5 * H, T0 + 1.6 * H)).toEqual([]);
  });

  it('changes the end and the reason, and deletes', async () => {
    const id = ids[1];
    await silences.update(id, { endsAt: T0 + 5 * H });
    await silences.update(id, { reason: 'extended' });
    await silences.update(id, {});
    expect(await silences.get(id)).toMatchObject({ id, endsAt: T0 + 5 * H, reason: 'extended', startsAt: T0 - H });
    expect(await silences.delete(id)).toBe(true);
    expect(await silences.delete(id)).toBe(false);
    expect(await silences.get(id)).toBeUndefined();
  });
});
