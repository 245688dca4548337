import { openSqliteDatabase, SqliteDatabase } from '@hub/store';
import { NewAlertSilence } from '../silences/alert-silence';
import { T0 } from '../testing/alert-fixtures';
import { AlertSilenceRepository } from './alert-silence.repository';

const H = 3_600_000;

function window(startsAt: number, endsAt: number, deviceId = 'w-1'): NewAlertSilence {
  return { domain: null, town: null, deviceId, ruleId: null, startsAt, endsAt, reason: 'pump swap', createdBy: 'ops', createdAt: T0 };
}

describe('AlertSilenceRepository (SQLite in memory)', () => {
  let db: SqliteDatabase;
  let silences: AlertSilenceRepository;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    silences = new AlertSilenceRepository(db);
    silences.insert(window(T0 - 3 * H, T0 - 2 * H, 'past'));
    silences.insert(window(T0 - H, T0 + H, 'now'));
    silences.insert(window(T0 + 2 * H, T0 + 3 * H, 'planned'));
  });

  afterEach(() => db.close());

  it('lists active, not yet ended, or all silences, newest first', () => {
    expect(silences.list({ activeAt: T0, limit: 10 }).map((silence) => silence.deviceId)).toEqual(['now']);
    expect(silences.list({ endingAfter: T0, limit: 10 }).map((silence) => silence.deviceId)).toEqual(['planned', 'now']);
    expect(silences.list({ limit: 2 }).map((silence) => silence.id)).toEqual([3, 2]);
  });

  it('finds those in force at some point of a window', () => {
    expect(silences.overlapping(T0 - 2.5 * H, T0 - 1.5 * H).map((silence) => silence.deviceId)).toEqual(['past']);
    expect(silences.overlapping(T0 - 0.5 * H, T0).map((silence) => silence.deviceId)).toEqual(['now']);
    expect(silences.overlapping(T0 + 1.5 * H, T0 + 1.6 * H)).toEqual([]);
  });

  it('changes the end and the reason, and deletes', () => {
    silences.update(2, { endsAt: T0 + 5 * H });
    silences.update(2, { reason: 'extended' });
    expect(silences.get(2)).toMatchObject({ id: 2, endsAt: T0 + 5 * H, reason: 'extended', startsAt: T0 - H });
    expect(silences.delete(2)).toBe(true);
    expect(silences.get(2)).toBeUndefined();
  });
});
