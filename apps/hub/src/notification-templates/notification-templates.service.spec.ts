import { createServer } from 'node:http';
import { AccessDeniedError, COUNTY_SCOPE } from '@hub/access';
import { InvalidInputError } from '@hub/common';
import { ContactPointSender, sampleAlertChange } from '@hub/notify';
import { AuditLogRepository, type AuditQuery, type AuditEntry } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { NotificationTemplateRepository } from './notification-template.repository';
import { NotificationTemplatesService } from './notification-templates.service';
import { StoredMessageTemplates } from './stored-message-templates';

const ADMIN = { name: 'alice', scope: COUNTY_SCOPE };
const TOWN_ADMIN = { name: 'bob', scope: { towns: ['Ashford'], domains: [] } };
const ZH_SUBJECT = '{{testPrefix}}【{{severity}}】{{deviceId}}：{{ruleName}}';

describe('NotificationTemplatesService', () => {
  let test: TestStore;
  const audit = new AuditLogRepository(null);
  const audited = (query: AuditQuery): Promise<AuditEntry[]> => audit.list(query, test.store.db);
  let repository: NotificationTemplateRepository;
  let stored: StoredMessageTemplates;
  let service: NotificationTemplatesService;
  const clock = Date.parse('2026-12-06T05:00:00Z');

  beforeEach(async () => {
    test = await sqliteTestStore();
    repository = new NotificationTemplateRepository(test.store);
    stored = new StoredMessageTemplates(repository);
    await stored.load();
    const noAlerts = (): Promise<never> => Promise.reject(new Error('no alerts in this test'));
    service = new NotificationTemplatesService(test.store, repository, stored, audit, noAlerts, 'https://hub.county.example', 'UTC', () => clock);
  });

  afterEach(() => test.dispose());

  it('stores an override that the next rendering uses, audits old and new, and reverts to the default', async () => {
    const view = await service.put('zh', 'subject', { body: ZH_SUBJECT }, ADMIN);
    expect(view).toEqual({
      language: 'zh',
      name: 'subject',
      kind: 'mustache',
      default: '{{testPrefix}}【{{severity}}】{{ruleName}}{{eventWords}}：{{deviceId}}{{#town}}（{{town}}）{{/town}}',
      override: { body: ZH_SUBJECT, updatedAt: '2026-12-06T05:00:00.000Z', updatedBy: 'alice' },
      body: ZH_SUBJECT,
    });
    expect(stored.templatesFor('zh').subject).toBe(ZH_SUBJECT);
    expect(stored.templatesFor('en').subject).toBe('{{testPrefix}}[{{severity}}] {{ruleName}} {{eventWords}}: {{deviceId}}{{#town}} in {{town}}{{/town}}');
    expect((await service.preview({ language: 'zh', test: true }, ADMIN)).subject).toBe('【测试】【严重】test-device：测试消息');
    expect((await audited({ limit: 1 }))[0]).toMatchObject({
      actor: 'alice',
      action: 'notification-template.update',
      targetType: 'notification-template',
      targetId: 'zh/subject',
      detail: { before: view.default, after: ZH_SUBJECT, wasDefault: true },
    });
    expect(await service.remove('zh', 'subject', ADMIN)).toMatchObject({ override: null, body: view.default });
    expect(stored.templatesFor('zh').subject).toBe(view.default);
    expect((await audited({ limit: 1 }))[0]).toMatchObject({ action: 'notification-template.delete', detail: { before: ZH_SUBJECT, after: view.default } });
    await expect(service.remove('zh', 'subject', ADMIN)).rejects.toThrow('The message template zh/subject has no override: it is already the shipped default');
  });

  it('loads the stored overrides at start, so a restarted hub renders with them', async () => {
    await service.put('zh', 'subject', { body: ZH_SUBJECT }, ADMIN);
    await service.put('en', 'severities.critical', { body: 'SEV1' }, ADMIN);
    const restarted = new StoredMessageTemplates(new NotificationTemplateRepository(test.store));
    expect(restarted.templatesFor('zh').subject).not.toBe(ZH_SUBJECT);
    await restarted.load();
    expect(restarted.templatesFor('zh').subject).toBe(ZH_SUBJECT);
    expect(restarted.templatesFor('en').severities.critical).toBe('SEV1');
    expect(restarted.templatesFor('zh').severities.critical).toBe(stored.templatesFor('zh').severities.critical);
  });

  it('leaves the stored text and what the sender reads alone when the change fails before it commits', async () => {
    const failingAudit = { record: () => Promise.reject(new Error('audit log unavailable')) } as unknown as AuditLogRepository;
    const failing = new NotificationTemplatesService(test.store, repository, stored, failingAudit, async () => sampleAlertChange(clock), 'https://hub.county.example', 'UTC', () => clock);
    const shipped = stored.templatesFor('zh').subject;
    await expect(failing.put('zh', 'subject', { body: ZH_SUBJECT }, ADMIN)).rejects.toThrow('audit log unavailable');
    expect(stored.templatesFor('zh').subject).toBe(shipped);
    expect(await repository.list('zh')).toEqual([]);
    await service.put('zh', 'subject', { body: ZH_SUBJECT }, ADMIN);
    await expect(failing.remove('zh', 'subject', ADMIN)).rejects.toThrow('audit log unavailable');
    expect(stored.templatesFor('zh').subject).toBe(ZH_SUBJECT);
    expect((await repository.list('zh')).map((override) => override.body)).toEqual([ZH_SUBJECT]);
  });

  it('refuses a bad body naming the problem, and a town admin with why', async () => {
    await expect(service.put('en', 'text', { body: '{{#town}}' }, ADMIN)).rejects.toThrow(
      new InvalidInputError('template en/text', [{ field: 'body', problem: 'is not a valid mustache template: Unclosed section "town" at 9 (line 1, column 10)' }]),
    );
    await expect(service.put('en', 'text', {}, ADMIN)).rejects.toThrow('body is required: the new text of text');
    await expect(service.put('en', 'subject', { body: 'x' }, TOWN_ADMIN)).rejects.toThrow(
      new AccessDeniedError('Only an admin of the whole county may change the message template en/subject: the templates write every town’s messages (bob has towns Ashford)'),
    );
    expect(await audited({ limit: 10 })).toEqual([]);
    expect(await repository.list('en')).toEqual([]);
  });

  it('previews texts being tried without saving them, and names a bad one by its template', async () => {
    const preview = await service.preview({ language: 'en', template: { 'severities.critical': 'SEV1', markdownTitle: '{{severity}} on {{deviceId}}' }, contactPointKind: 'dingtalk' }, ADMIN);
    expect([preview.subject, preview.markdownTitle, preview.sent]).toEqual([
      '[SEV1] Test message fired: test-device in Ashford',
      'SEV1 on test-device',
      { kind: 'dingtalk', title: 'SEV1 on test-device', text: preview.markdown },
    ]);
    expect((await service.list()).languages[0]?.templates.every((template) => template.override === null)).toBe(true);
    await expect(service.preview({ language: 'fr', template: { subject: '{{devise}}' } }, ADMIN)).rejects.toThrow('language must be one of en, zh, got "fr"');
    await expect(service.preview({ language: 'en', template: { subject: '{{devise}}', footer: 'x' } }, ADMIN)).rejects.toThrow(
      /template\.footer is not a known field.*template\.subject uses unknown field \{\{devise\}\}/,
    );
  });

  it('feeds the contact point sender, whose per-point language picks the set', async () => {
    await service.put('zh', 'subject', { body: ZH_SUBJECT }, ADMIN);
    const bodies: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address() as { port: number };
      const sender = new ContactPointSender({ publicUrl: 'https://hub.county.example', timeoutMs: 2000, language: 'en', templates: stored });
      const settings = { url: `http://127.0.0.1:${address.port}/hook`, secret: null };
      await sender.send({ name: 'zh-hook', language: 'zh', kind: 'webhook', settings }, sampleAlertChange(clock), { test: true });
      await sender.send({ name: 'en-hook', language: null, kind: 'webhook', settings }, sampleAlertChange(clock), { test: true });
      expect(bodies.map((body) => (JSON.parse(body) as { subject: string }).subject)).toEqual(['【测试】【严重】test-device：测试消息', '[TEST] [CRITICAL] Test message fired: test-device in Ashford']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
