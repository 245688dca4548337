import { AccessDeniedError, COUNTY_SCOPE } from '@hub/access';
import { InvalidInputError } from '@hub/common';
import { type AlertChange, type ContactPoint, ContactPointExistsError, ContactPointNotFoundError, ContactPointSender, type DeliveryResult } from '@hub/notify';
import { type AuditEntry, AuditLogRepository, type AuditQuery } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { ContactPointDeliveryRepository } from './contact-point-delivery.repository';
import { ContactPointDirectory } from './contact-point.directory';
import { ContactPointRepository } from './contact-point.repository';
import { ContactPointsService } from './contact-points.service';

const ADMIN = { name: 'alice', scope: COUNTY_SCOPE };
const TOWN_ADMIN = { name: 'bob', scope: { towns: ['Ashford'], domains: [] } };
const DING = { name: 'gas-ding', kind: 'dingtalk', settings: { url: 'https://oapi.dingtalk.com/robot/send?access_token=t0ken', secret: 'SECs3cret' } };

/** The sender as the service sees it: what it was asked to send, and a fixed answer. */
class RecordingSender {
  readonly sent: Array<{ point: ContactPoint; change: AlertChange; test: boolean | undefined }> = [];
  answer: DeliveryResult = { ok: true, status: 200, providerAnswer: '{"errcode":0,"errmsg":"ok"}', retryable: false };

  async send(point: ContactPoint, change: AlertChange, options?: { test?: boolean }): Promise<DeliveryResult> {
    this.sent.push({ point, change, test: options?.test });
    return this.answer;
  }
}

describe('ContactPointsService', () => {
  let test: TestStore;
  const audit = new AuditLogRepository(null);
  const audited = (query: AuditQuery): Promise<AuditEntry[]> => audit.list(query, test.store.db);
  let repository: ContactPointRepository;
  let directory: ContactPointDirectory;
  let sender: RecordingSender;
  let logged: Array<Record<string, unknown>>;
  let service: ContactPointsService;
  let clock: number;
  const build = (withAudit: AuditLogRepository): ContactPointsService =>
    new ContactPointsService(
      test.store,
      repository,
      directory,
      new ContactPointDeliveryRepository(test.store, 3),
      withAudit,
      sender as unknown as ContactPointSender,
      { log: (entry) => logged.push(entry) },
      () => clock,
    );

  beforeEach(async () => {
    test = await sqliteTestStore();
    repository = new ContactPointRepository(test.store);
    directory = new ContactPointDirectory(repository);
    await directory.load();
    sender = new RecordingSender();
    logged = [];
    clock = Date.parse('2026-12-06T02:00:00Z');
    service = build(audit);
  });

  afterEach(() => test.dispose());

  it('stores a contact point, shows and audits it without its secrets', async () => {
    const view = await service.create(DING, ADMIN);
    expect(view).toEqual({
      name: 'gas-ding',
      kind: 'dingtalk',
      language: null,
      settings: { endpoint: 'https://oapi.dingtalk.com' },
      secretSet: true,
      secrets: { url: true, secret: true },
      createdAt: '2026-12-06T02:00:00.000Z',
      createdBy: 'alice',
      updatedAt: '2026-12-06T02:00:00.000Z',
      updatedBy: 'alice',
    });
    const [entry] = await audited({ limit: 10 });
    expect(entry).toMatchObject({ actor: 'alice', action: 'contact-point.create', targetType: 'contact-point', targetId: 'gas-ding', detail: { kind: 'dingtalk', settings: { endpoint: 'https://oapi.dingtalk.com' }, secrets: { url: true, secret: true } } });
    expect(JSON.stringify(await audited({ limit: 10 }))).not.toMatch(/t0ken|s3cret/);
    await expect(service.create(DING, ADMIN)).rejects.toThrow(ContactPointExistsError);
    expect(await audited({ limit: 10 })).toHaveLength(1);
  });

  it('audits which secrets a change touched, never their values', async () => {
    await service.create(DING, ADMIN);
    clock += 1000;
    await service.update('gas-ding', { settings: { secret: 'SECn3w' } }, ADMIN);
    const [entry] = await audited({ limit: 1 });
    expect(entry).toMatchObject({ action: 'contact-point.update', detail: { secretsChanged: ['secret'] } });
    expect(JSON.stringify(entry)).not.toMatch(/t0ken|s3cret|n3w/);
    await expect(service.update('gas-ding', { settings: { url: 'ftp://x' } }, ADMIN)).rejects.toThrow(InvalidInputError);
  });

  it('sends a test message, logs the attempt with alertId null, and keeps only the newest attempts', async () => {
    await service.create(DING, ADMIN);
    sender.answer = { ok: false, status: 200, providerAnswer: '{"errcode":130101,"errmsg":"send too fast"}', retryable: true };
    for (let attempt = 0; attempt < 4; attempt++) {
      clock += 1000;
      expect(await service.test('gas-ding', ADMIN)).toEqual(sender.answer);
    }
    expect(sender.sent.map(({ point, change, test }) => [point.name, change.alert.deviceId, test])).toEqual(Array(4).fill(['gas-ding', 'test-device', true]));
    const deliveries = await service.deliveries('gas-ding', ADMIN, 100);
    expect(deliveries.map(({ id, alertId, at, ok, status, retryable }) => ({ id, alertId, at, ok, status, retryable }))).toEqual([
      { id: 4, alertId: null, at: '2026-12-06T02:00:04.000Z', ok: false, status: 200, retryable: true },
      { id: 3, alertId: null, at: '2026-12-06T02:00:03.000Z', ok: false, status: 200, retryable: true },
      { id: 2, alertId: null, at: '2026-12-06T02:00:02.000Z', ok: false, status: 200, retryable: true },
    ]);
    expect(logged[0]).toEqual({ msg: 'Contact point test message sent', contactPoint: 'gas-ding', kind: 'dingtalk', ok: false, status: 200, retryable: true, by: 'alice' });
    expect((await audited({ limit: 1 }))[0]).toMatchObject({ action: 'contact-point.test', detail: { ok: false, status: 200, retryable: true } });
  });

  it('deletes a contact point with its delivery log, and answers 404 afterwards', async () => {
    await service.create(DING, ADMIN);
    await service.test('gas-ding', ADMIN);
    await service.remove('gas-ding', ADMIN);
    await expect(service.get('gas-ding', ADMIN)).rejects.toThrow(ContactPointNotFoundError);
    await expect(service.deliveries('gas-ding', ADMIN, 10)).rejects.toThrow(ContactPointNotFoundError);
    await expect(service.remove('gas-ding', ADMIN)).rejects.toThrow(ContactPointNotFoundError);
    await service.create(DING, ADMIN);
    expect(await service.deliveries('gas-ding', ADMIN, 10)).toEqual([]);
  });

  it('keeps the directory the policies read in step with what committed, and only that', async () => {
    await service.create(DING, ADMIN);
    expect(directory.find('gas-ding')?.point.settings).toEqual(DING.settings);
    await service.update('gas-ding', { language: 'zh' }, ADMIN);
    expect(directory.find('gas-ding')?.point.language).toBe('zh');

    const failing = build({ record: () => Promise.reject(new Error('audit log unavailable')) } as unknown as AuditLogRepository);
    await expect(failing.update('gas-ding', { language: 'en' }, ADMIN)).rejects.toThrow('audit log unavailable');
    await expect(failing.remove('gas-ding', ADMIN)).rejects.toThrow('audit log unavailable');
    await expect(failing.create({ ...DING, name: 'other' }, ADMIN)).rejects.toThrow('audit log unavailable');
    expect(directory.find('gas-ding')?.point.language).toBe('zh');
    expect(directory.find('other')).toBeUndefined();
    expect((await service.list(ADMIN)).map((view) => [view.name, view.language])).toEqual([['gas-ding', 'zh']]);

    const restarted = new ContactPointDirectory(repository);
    await restarted.load();
    expect(restarted.find('gas-ding')).toEqual(directory.find('gas-ding'));
    await service.remove('gas-ding', ADMIN);
    expect(directory.find('gas-ding')).toBeUndefined();
  });

  it('lets only a county-wide admin see, change or test contact points', async () => {
    await service.create(DING, ADMIN);
    await expect(service.list(TOWN_ADMIN)).rejects.toThrow(AccessDeniedError);
    await expect(service.create({ ...DING, name: 'other' }, TOWN_ADMIN)).rejects.toThrow('Only an admin of the whole county may add a contact point');
    await expect(service.test('gas-ding', TOWN_ADMIN)).rejects.toThrow(AccessDeniedError);
    expect(sender.sent).toEqual([]);
  });
});
