import { MetricCatalogue } from '@hub/contract';
import { AccessDeniedError } from '@hub/access';
import { AuditLogRepository, openSqliteDatabase, SqliteDatabase } from '@hub/store';
import { AlertSilenceRepository } from '../store/alert-silence.repository';
import { T0 } from '../testing/alert-fixtures';
import { RecordingLogger } from '@hub/common/testing';
import { AlertSilencesService } from './alert-silences.service';

const COUNTY = { name: 'chief', scope: { towns: [], domains: [] } };
const ASHFORD = { name: 'a.town', scope: { towns: ['Ashford'], domains: [] } };
const WATER = { name: 'w.dept', scope: { towns: [], domains: ['water' as const] } };

describe('AlertSilencesService', () => {
  let db: SqliteDatabase;
  let audit: AuditLogRepository;
  let service: AlertSilencesService;

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    audit = new AuditLogRepository(db);
    service = new AlertSilencesService(new AlertSilenceRepository(db), audit, MetricCatalogue.BUILT_IN, new RecordingLogger(), () => T0);
  });

  afterEach(() => db.close());

  it('records the caller as the author and audits create, extend and delete', () => {
    const created = service.create({ deviceId: 'w-7', duration: '2h', reason: 'pump swap' }, COUNTY);
    expect(created.createdBy).toBe('chief');
    service.update(created.id, { endsAt: T0 + 3 * 3_600_000 }, COUNTY);
    service.delete(created.id, COUNTY);
    expect(audit.list({ limit: 10 }).map((entry) => `${entry.actor} ${entry.action} ${entry.targetId}`)).toEqual([
      `chief silence.delete ${created.id}`,
      `chief silence.update ${created.id}`,
      `chief silence.create ${created.id}`,
    ]);
    expect(audit.list({ action: 'silence.update', limit: 1 })[0].detail).toEqual({
      endsAt: { from: new Date(T0 + 2 * 3_600_000).toISOString(), to: new Date(T0 + 3 * 3_600_000).toISOString() },
    });
  });

  it('lets a town operator silence only inside their towns, and a department only inside its domains', () => {
    expect(() => service.create({ deviceId: 'w-7', duration: '2h', reason: 'x' }, ASHFORD)).toThrow(
      new AccessDeniedError('A silence by a.town must name one of their towns (Ashford) in "town": without one it would cover every town'),
    );
    expect(() => service.create({ town: 'Brook', duration: '2h', reason: 'x' }, ASHFORD)).toThrow(AccessDeniedError);
    expect(() => service.create({ town: 'Ashford', duration: '2h', reason: 'x' }, WATER)).toThrow('must name one of their domains (water)');
    expect(service.create({ town: 'Ashford', deviceId: 'w-7', duration: '2h', reason: 'valve' }, ASHFORD).town).toBe('Ashford');
    expect(service.create({ domain: 'water', duration: '2h', reason: 'flushing' }, WATER).domain).toBe('water');
  });

  it('shows and changes a scoped operator only the silences inside their scope', () => {
    const county = service.create({ domain: 'gas', duration: '2h', reason: 'county works' }, COUNTY);
    const ashford = service.create({ town: 'Ashford', duration: '2h', reason: 'street works' }, ASHFORD);
    expect(service.list({ limit: 10 }, ASHFORD).map((silence) => silence.id)).toEqual([ashford.id]);
    expect(service.list({ limit: 10 }, COUNTY).map((silence) => silence.id)).toEqual([ashford.id, county.id]);
    expect(service.list({ limit: 10 }, WATER)).toEqual([]);
    expect(() => service.get(county.id, ASHFORD)).toThrow(AccessDeniedError);
    expect(() => service.update(county.id, { reason: 'mine now' }, ASHFORD)).toThrow(AccessDeniedError);
    expect(() => service.delete(county.id, ASHFORD)).toThrow(AccessDeniedError);
    expect(service.get(county.id, COUNTY).reason).toBe('county works');
  });
});
