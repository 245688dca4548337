import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { NotificationTemplateRepository, type TemplateOverride } from './notification-template.repository';

const override = (language: TemplateOverride['language'], name: TemplateOverride['name'], body: string, updatedAt = 1000): TemplateOverride => ({ language, name, body, updatedAt, updatedBy: 'alice' });

describe.each(TEST_STORES)('NotificationTemplateRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let templates: NotificationTemplateRepository;

  beforeEach(async () => {
    test = await open();
    templates = new NotificationTemplateRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('keeps one override per language and name, a second save replacing the first', async () => {
    await templates.save(override('zh', 'subject', '【{{severity}}】'));
    await templates.save(override('en', 'subject', '[{{severity}}]'));
    await templates.save({ ...override('zh', 'subject', '【{{severity}}】{{deviceId}}', 2000), updatedBy: 'bob' });
    expect(await templates.find('zh', 'subject')).toEqual({ language: 'zh', name: 'subject', body: '【{{severity}}】{{deviceId}}', updatedAt: 2000, updatedBy: 'bob' });
    expect(await templates.find('en', 'subject')).toEqual(override('en', 'subject', '[{{severity}}]'));
    expect(await templates.find('en', 'text')).toBeUndefined();
    expect(await test.store.db.selectFrom('notification_templates').select(({ fn }) => fn.countAll<number>().as('rows')).executeTakeFirstOrThrow()).toEqual({ rows: 2 });
  });

  it('lists the overrides of one language only, by name', async () => {
    for (const name of ['text', 'severities.critical', 'markdownTitle', 'html'] as const) await templates.save(override('en', name, `en ${name}`));
    await templates.save(override('zh', 'text', 'zh text'));
    expect((await templates.list('en')).map((each) => each.name)).toEqual(['html', 'markdownTitle', 'severities.critical', 'text']);
    expect(await templates.list('zh')).toEqual([override('zh', 'text', 'zh text')]);
  });

  it('deletes an override, answering whether there was one', async () => {
    await templates.save(override('zh', 'subject', 'x'));
    expect(await templates.delete('zh', 'text')).toBe(false);
    expect(await templates.delete('zh', 'subject')).toBe(true);
    expect(await templates.delete('zh', 'subject')).toBe(false);
    expect(await templates.list('zh')).toEqual([]);
  });

  it('writes inside a transaction, and nothing of it when it rolls back', async () => {
    await templates.save(override('en', 'subject', 'kept'));
    await expect(
      test.store.tx(async (tx) => {
        await templates.save(override('en', 'subject', 'replaced'), tx.exec);
        expect(await templates.delete('en', 'subject', tx.exec)).toBe(true);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await templates.list('en')).toEqual([override('en', 'subject', 'kept')]);
  });
});
