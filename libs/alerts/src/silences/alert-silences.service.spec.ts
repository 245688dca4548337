import { MetricCatalogue } from '@hub/contract';
import { AccessDeniedError } from '@hub/access';
import { AuditLogRepository } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { AlertSilenceRepository } from '../store/alert-silence.repository';
import { T0 } from '../testing/alert-fixtures';
import { RecordingLogger } from '@hub/common/testing';
import { AlertSilencesService } from './alert-silences.service';

const COUNTY = { name: 'chief', scope: { towns: [], domains: [] } };
const ASHFORD = { name: 'a.town', scope: { towns: ['Ashford'], domains: [] } };
const WATER = { name: 'w.dept', scope: { towns: [], domains: ['water' as const] } };

describe('AlertSilencesService', () => {
  let test: TestStore;
  let audit: AuditLogRepository;
  let service: AlertSilencesService;

  beforeEach(async () => {
    test = await sqliteTestStore();
    audit = new AuditLogRepository(null);
    service = new AlertSilencesService(test.store, new AlertSilenceRepository(test.store), audit, MetricCatalogue.BUILT_IN, new RecordingLogger(), () => T0);
  });

  afterEach(() => test.dispose());

  it('records the caller as the author and audits create, extend and delete', async () => {
    const created = await service.create({ deviceId: 'w-7', duration: '2h', reason: 'pump swap' }, COUNTY);
    expect(created.createdBy).toBe('chief');
    await service.update(created.id, { endsAt: T0 + 3 * 3_600_000 }, COUNTY);
    await service.delete(created.id, COUNTY);
    expect((await audit.list({ limit: 10 }, test.store.db)).map((entry) => `${entry.actor} ${entry.action} ${entry.targetId}`)).toEqual([
      `chief silence.delete ${created.id}`,
      `chief silence.update ${created.id}`,
      `chief silence.create ${created.id}`,
    ]);
    expect((await audit.list({ action: 'silence.update', limit: 1 }, test.store.db))[0].detail).toEqual({
      endsAt: { from: new Date(T0 + 2 * 3_600_000).toISOString(), to: new Date(T0 + 3 * 3_600_000).toISOString() },
    });
  });

  it('lets a town operator silence only inside their towns, and a department only inside its domains', async () => {
    await expect(service.create({ deviceId: 'w-7', duration: '2h', reason: 'x' }, ASHFORD)).rejects.toThrow(
      new AccessDeniedError('A silence by a.town must name one of their towns (Ashford) in "town": without one it would cover every town'),
    );
    await expect(service.create({ town: 'Brook', duration: '2h', reason: 'x' }, ASHFORD)).rejects.toThrow(AccessDeniedError);
    await expect(service.create({ town: 'Ashford', duration: '2h', reason: 'x' }, WATER)).rejects.toThrow('must name one of their domains (water)');
    expect((await service.create({ town: 'Ashford', deviceId: 'w-7', duration: '2h', reason: 'valve' }, ASHFORD)).town).toBe('Ashford');
    expect((await service.create({ domain: 'water', duration: '2h', reason: 'flushing' }, WATER)).domain).toBe('water');
  });

  it('shows and changes a scoped operator only the silences inside their scope', async () => {
    const county = await service.create({ domain: 'gas', duration: '2h', reason: 'county works' }, COUNTY);
    const ashford = await service.create({ town: 'Ashford', duration: '2h', reason: 'street works' }, ASHFORD);
    expect((await service.list({ limit: 10 }, ASHFORD)).map((silence) => silence.id)).toEqual([ashford.id]);
    expect((await service.list({ limit: 10 }, COUNTY)).map((silence) => silence.id)).toEqual([ashford.id, county.id]);
    expect(await service.list({ limit: 10 }, WATER)).toEqual([]);
    await expect(service.get(county.id, ASHFORD)).rejects.toThrow(AccessDeniedError);
    await expect(service.update(county.id, { reason: 'mine now' }, ASHFORD)).rejects.toThrow(AccessDeniedError);
    await expect(service.delete(county.id, ASHFORD)).rejects.toThrow(AccessDeniedError);
    expect((await service.get(county.id, COUNTY)).reason).toBe('county works');
  });
});
