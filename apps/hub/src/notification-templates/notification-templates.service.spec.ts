import { createServer } from 'node:http';
import { AccessDeniedError, COUNTY_SCOPE } from '@hub/access';
import { InvalidInputError } from '@hub/common';
import { ContactPointSender, sampleAlertChange } from '@hub/notify';
import { AuditLogRepository, openSqliteDatabase, type SqliteDatabase } from '@hub/store';
import { NotificationTemplateRepository } from './notification-template.repository';
import { NotificationTemplatesService } from './notification-templates.service';
import { StoredMessageTemplates } from './stored-message-templates';

const ADMIN = { name: 'alice', scope: COUNTY_SCOPE };
const TOWN_ADMIN = { name: 'bob', scope: { towns: ['Ashford'], domains: [] } };
const ZH_SUBJECT = '{{testPrefix}}【{{severity}}】{{deviceId}}：{{ruleName}}';

describe('NotificationTemplatesService', () => {
  let db: SqliteDatabase;
  let audit: AuditLogRepository;
  let stored: StoredMessageTemplates;
  let service: NotificationTemplatesService;
  const clock = Date.parse('2026-12-06T05:00:00Z');

  beforeEach(() => {
    db = openSqliteDatabase(':memory:');
    audit = new AuditLogRepository(db);
    const repository = new NotificationTemplateRepository(db);
    stored = new StoredMessageTemplates(repository);
    const noAlerts = (): Promise<never> => Promise.reject(new Error('no alerts in this test'));
    service = new NotificationTemplatesService(repository, stored, audit, noAlerts, 'https://hub.county.example', 'UTC', () => clock);
  });

  afterEach(() => db.close());

  it('stores an override that the next rendering uses, audits old and new, and reverts to the default', async () => {
    const view = service.put('zh', 'subject', { body: ZH_SUBJECT }, ADMIN);
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
    expect(audit.list({ limit: 1 })[0]).toMatchObject({
      actor: 'alice',
      action: 'notification-template.update',
      targetType: 'notification-template',
      targetId: 'zh/subject',
      detail: { before: view.default, after: ZH_SUBJECT, wasDefault: true },
    });
    expect(service.remove('zh', 'subject', ADMIN)).toMatchObject({ override: null, body: view.default });
    expect(stored.templatesFor('zh').subject).toBe(view.default);
    expect(audit.list({ limit: 1 })[0]).toMatchObject({ action: 'notification-template.delete', detail: { before: ZH_SUBJECT, after: view.default } });
    expect(() => service.remove('zh', 'subject', ADMIN)).toThrow('The message template zh/subject has no override: it is already the shipped default');
  });

  it('refuses a bad body naming the problem, and a town admin with why', () => {
    expect(() => service.put('en', 'text', { body: '{{#town}}' }, ADMIN)).toThrow(new InvalidInputError('template en/text', [{ field: 'body', problem: 'is not a valid mustache template: Unclosed section "town" at 9 (line 1, column 10)' }]));
    expect(() => service.put('en', 'text', {}, ADMIN)).toThrow('body is required: the new text of text');
    expect(() => service.put('en', 'subject', { body: 'x' }, TOWN_ADMIN)).toThrow(
      new AccessDeniedError('Only an admin of the whole county may change the message template en/subject: the templates write every town’s messages (bob has towns Ashford)'),
    );
    expect(audit.list({ limit: 10 })).toEqual([]);
  });

  it('previews texts being tried without saving them, and names a bad one by its template', async () => {
    const preview = await service.preview({ language: 'en', template: { 'severities.critical': 'SEV1', markdownTitle: '{{severity}} on {{deviceId}}' }, contactPointKind: 'dingtalk' }, ADMIN);
    expect([preview.subject, preview.markdownTitle, preview.sent]).toEqual([
      '[SEV1] Test message fired: test-device in Ashford',
      'SEV1 on test-device',
      { kind: 'dingtalk', title: 'SEV1 on test-device', text: preview.markdown },
    ]);
    expect(service.list().languages[0]?.templates.every((template) => template.override === null)).toBe(true);
    await expect(service.preview({ language: 'fr', template: { subject: '{{devise}}' } }, ADMIN)).rejects.toThrow('language must be one of en, zh, got "fr"');
    await expect(service.preview({ language: 'en', template: { subject: '{{devise}}', footer: 'x' } }, ADMIN)).rejects.toThrow(/template\.footer is not a known field.*template\.subject uses unknown field \{\{devise\}\}/);
  });

  it('feeds the contact point sender, whose per-point language picks the set', async () => {
    service.put('zh', 'subject', { body: ZH_SUBJECT }, ADMIN);
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
