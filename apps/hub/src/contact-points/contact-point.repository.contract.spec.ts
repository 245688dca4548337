import { parseNewContactPoint, type StoredContactPoint } from '@hub/notify';
import { TEST_STORES, type TestStore } from '@hub/store/testing';
import { ContactPointRepository } from './contact-point.repository';

function stored(body: Record<string, unknown>, at = 1000): StoredContactPoint {
  return { point: parseNewContactPoint(body), createdAt: at, createdBy: 'alice', updatedAt: at, updatedBy: 'alice' };
}

const DING = { name: 'gas-ding', kind: 'dingtalk', settings: { url: 'https://oapi.dingtalk.com/robot/send?access_token=t0ken', secret: 'SECs3cret' } };
const SMTP = {
  name: 'county-smtp',
  kind: 'email',
  language: 'zh',
  settings: { host: 'smtp.county.example', port: 587, security: 'starttls', username: null, password: null, ca: null, from: 'hub@county.example', to: ['值班@county.example'] },
};

describe.each(TEST_STORES)('ContactPointRepository on %s', (_dialect, open) => {
  let test: TestStore;
  let points: ContactPointRepository;

  beforeEach(async () => {
    test = await open();
    points = new ContactPointRepository(test.store);
  });
  afterEach(() => test.dispose());

  it('stores a contact point with its settings (secrets included) and language, and reads it back as given', async () => {
    expect(await points.insert(stored(DING))).toBe(true);
    expect(await points.insert(stored(SMTP))).toBe(true);
    expect(await points.find('gas-ding')).toEqual(stored(DING));
    expect(await points.find('county-smtp')).toEqual(stored(SMTP));
    expect((await points.find('county-smtp'))?.point.language).toBe('zh');
    expect(await points.find('other')).toBeUndefined();
  });

  it('refuses a taken name and keeps the stored one (INSERT OR IGNORE on both dialects), also inside a transaction that goes on', async () => {
    await points.insert(stored(DING));
    expect(await points.insert({ ...stored({ ...DING, settings: { url: 'https://oapi.dingtalk.com/robot/send?access_token=other', secret: null } }), createdBy: 'mallory' })).toBe(false);
    expect(await points.find('gas-ding')).toEqual(stored(DING));
    await test.store.tx(async (tx) => {
      expect(await points.insert(stored(DING), tx.exec)).toBe(false);
      expect(await points.insert(stored(SMTP), tx.exec)).toBe(true);
    });
    expect((await points.list()).map((each) => each.point.name)).toEqual(['county-smtp', 'gas-ding']);
  });

  it('lists by name in byte order on both dialects (a hyphen before digits before letters, not skipped as a locale would)', async () => {
    for (const name of ['duty1', 'duty-b', 'duty', 'd-uty', '9am']) await points.insert(stored({ ...DING, name }));
    expect((await points.list()).map((each) => each.point.name)).toEqual(['9am', 'd-uty', 'duty', 'duty-b', 'duty1']);
    expect(await points.find('DUTY')).toBeUndefined();
  });

  it('updates the language, settings and who changed it, keeping the kind and the creation', async () => {
    await points.insert(stored(SMTP));
    const changed = stored({ ...SMTP, language: null, settings: { ...SMTP.settings, password: 'n3w', username: 'hub' } }, 2000);
    await points.update({ ...changed, createdAt: 5, createdBy: 'mallory', updatedBy: 'carol' });
    expect(await points.find('county-smtp')).toEqual({ ...changed, createdAt: 1000, createdBy: 'alice', updatedAt: 2000, updatedBy: 'carol' });
  });

  it('deletes, answering whether there was such a row; a rolled-back delete leaves it', async () => {
    await points.insert(stored(DING));
    await expect(
      test.store.tx(async (tx) => {
        expect(await points.delete('gas-ding', tx.exec)).toBe(true);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await points.find('gas-ding')).toEqual(stored(DING));
    expect(await points.delete('gas-ding')).toBe(true);
    expect(await points.delete('gas-ding')).toBe(false);
    expect(await points.list()).toEqual([]);
  });
});
