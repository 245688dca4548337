import { AccessDeniedError, type Principal, type StoredOperator } from '@hub/access';
import { DEFAULT_POLICY_TREE, type NotificationPolicyTree } from '@hub/alerts';
import { InvalidInputError } from '@hub/common';
import type { ContactPoint } from '@hub/notify';
import { AuditLogRepository } from '@hub/store';
import { sqliteTestStore, type TestStore } from '@hub/store/testing';
import { PersonalNotificationsRepository } from './personal-notifications.repository';
import { PersonalNotificationsService } from './personal-notifications.service';

const TREE: NotificationPolicyTree = {
  ...DEFAULT_POLICY_TREE,
  personalDelivery: { email: 'county-smtp', sms: null },
  routes: [
    { name: 'gas', matchers: { domains: ['gas'] }, routes: [{ name: 'gas-ashford', matchers: { towns: ['Ashford'] } }] },
    { name: 'water-brookfield', matchers: { domains: ['water'], towns: ['Brookfield'] } },
  ],
};
const SMTP: ContactPoint = {
  name: 'county-smtp',
  language: null,
  kind: 'email',
  settings: { host: 'smtp.county.example', port: 587, security: 'starttls', username: null, password: null, ca: null, from: 'hub@county.example', to: ['duty@county.example'] },
};
const LI_WEI: Principal = { kind: 'operator', name: 'li.wei', role: 'operator', scope: { towns: ['Ashford'], domains: [] } };

function operator(username: string, scope: StoredOperator['scope'], disabled = false): StoredOperator {
  return { username, role: 'operator', scope, disabled, createdAt: 0, createdBy: 'admin', updatedAt: 0, passwordHash: 'x' };
}

describe('PersonalNotificationsService', () => {
  let test: TestStore;
  const audit = new AuditLogRepository(null);
  let operators: Map<string, StoredOperator>;
  let service: PersonalNotificationsService;
  const build = async (withAudit: AuditLogRepository = audit): Promise<PersonalNotificationsService> => {
    const built = new PersonalNotificationsService(test.store, new PersonalNotificationsRepository(test.store), { get: (name) => operators.get(name) }, withAudit, () => Date.parse('2026-12-06T03:00:00Z'));
    await built.load();
    return built;
  };

  beforeEach(async () => {
    test = await sqliteTestStore();
    operators = new Map([
      ['li.wei', operator('li.wei', { towns: ['Ashford'], domains: [] })],
      ['zhang', operator('zhang', { towns: [], domains: [] }, true)],
    ]);
    service = await build();
  });

  afterEach(() => test.dispose());

  async function problems(body: unknown, principal: Principal = LI_WEI): Promise<string[]> {
    try {
      await service.put(principal, body, TREE);
    } catch (error) {
      if (error instanceof InvalidInputError) return error.issues.map((issue) => `${issue.field} ${issue.problem}`);
      throw error;
    }
    return [];
  }

  it('keeps an operator’s address and subscriptions across a restart, shows the routes they can follow, and audits whether an address is set', async () => {
    const view = await service.put(LI_WEI, { email: 'li.wei@county.example', phone: null, subscriptions: [{ route: 'gas', channels: ['email'] }] }, TREE);
    expect(view).toEqual({
      email: 'li.wei@county.example',
      phone: null,
      subscriptions: [{ route: 'gas', channels: ['email'] }],
      channelsOffered: ['email'],
      routes: [
        { name: 'gas', towns: null, domains: ['gas'], inScope: true },
        { name: 'gas-ashford', towns: ['Ashford'], domains: ['gas'], inScope: true },
        { name: 'water-brookfield', towns: ['Brookfield'], domains: ['water'], inScope: false },
      ],
      updatedAt: '2026-12-06T03:00:00.000Z',
    });
    expect((await build()).view(LI_WEI, TREE)).toEqual(view);
    const [entry] = await audit.list({ limit: 10 }, test.store.db);
    expect(entry).toMatchObject({ actor: 'li.wei', action: 'operator.notifications.update', targetId: 'li.wei', detail: { emailSet: true, phoneSet: false, subscriptions: [{ route: 'gas', channels: ['email'] }] } });
    expect(JSON.stringify(entry)).not.toContain('li.wei@county.example');
  });

  it('lists every problem: a bad address, an unknown or out-of-scope route, a channel not offered or without an address', async () => {
    expect(
      await problems({
        email: 'li wei',
        phone: '12',
        subscriptions: [
          { route: 'gass', channels: ['email'] },
          { route: 'water-brookfield', channels: ['email'] },
          { route: 'gas', channels: ['sms', 'fax'] },
          { route: 'gas', channels: [] },
        ],
      }),
    ).toEqual([
      'email must match an email address such as li.wei@county.example',
      'phone must match a phone number of 5–20 digits, optionally starting with +',
      'subscriptions[0].route names no route of the notification policies: "gass" (named routes: gas, gas-ashford, water-brookfield)',
      'subscriptions[1].route "water-brookfield" takes only alerts outside your scope (towns Brookfield, domains water; you see towns Ashford)',
      'subscriptions[1].channels needs your email address (email is empty)',
      'subscriptions[2].channels[1] must be one of email, sms, got "fax"',
      'subscriptions[3].channels must name at least one of email, sms',
    ]);
    expect(await problems({ email: 'li.wei@county.example', subscriptions: [{ route: 'gas', channels: ['sms'] }, { route: 'gas', channels: ['email'] }] })).toEqual([
      "subscriptions[0].channels the county offers no personal sms yet (an admin sets notification policies' personalDelivery.sms)",
      'subscriptions[1].route "gas" is subscribed to twice',
    ]);
    await expect(service.put({ kind: 'api-key', name: 'scada', role: 'admin', scope: { towns: [], domains: [] } }, {}, TREE)).rejects.toThrow(AccessDeniedError);
    expect(await new PersonalNotificationsRepository(test.store).list()).toEqual([]);
  });

  it('changes what routing reads only once the change has committed', async () => {
    await service.put(LI_WEI, { email: 'li.wei@county.example', subscriptions: [{ route: 'gas', channels: ['email'] }] }, TREE);
    const failing = await build({ record: () => Promise.reject(new Error('audit log unavailable')) } as unknown as AuditLogRepository);
    await expect(failing.put(LI_WEI, { email: null, subscriptions: [] }, TREE)).rejects.toThrow('audit log unavailable');
    expect(failing.recipientsOf(['gas']).map((recipient) => recipient.destination)).toEqual(['@li.wei/email']);
    expect(failing.view(LI_WEI, TREE).email).toBe('li.wei@county.example');
    expect((await build()).view(LI_WEI, TREE).email).toBe('li.wei@county.example');
  });

  it('names the reachable subscribers of a route once, with their scope, and readdresses the county’s contact point to them alone', async () => {
    await service.put(LI_WEI, { email: 'li.wei@county.example', subscriptions: [{ route: 'gas', channels: ['email'] }, { route: 'gas-ashford', channels: ['email'] }] }, TREE);
    const zhang: Principal = { kind: 'operator', name: 'zhang', role: 'operator', scope: { towns: [], domains: [] } };
    await service.put(zhang, { email: 'zhang@county.example', subscriptions: [{ route: 'gas', channels: ['email'] }] }, TREE);
    const recipients = service.recipientsOf(['gas', 'gas-ashford']);
    expect(recipients.map((recipient) => recipient.destination)).toEqual(['@li.wei/email']); // zhang is disabled
    expect([recipients[0].covers({ town: 'Ashford', domain: 'gas' }), recipients[0].covers({ town: 'Brookfield', domain: 'gas' })]).toEqual([true, false]);
    expect(service.recipientsOf(['water-brookfield'])).toEqual([]);

    const target = service.target('li.wei', 'email', TREE, (name) => (name === 'county-smtp' ? SMTP : undefined));
    expect(target.ok && target.point.settings).toEqual({ ...SMTP.settings, to: ['li.wei@county.example'] });
    expect(service.target('zhang', 'email', TREE, () => SMTP)).toEqual({ ok: false, why: 'operator "zhang" is disabled' });
    expect(service.target('li.wei', 'sms', TREE, () => SMTP)).toEqual({ ok: false, why: 'li.wei has no phone number any more' });
    expect(service.target('li.wei', 'email', TREE, () => undefined)).toEqual({ ok: false, why: "no contact point carries operators' email (notification policies' personalDelivery.email)" });
    operators.delete('li.wei');
    expect(service.target('li.wei', 'email', TREE, () => SMTP)).toEqual({ ok: false, why: 'operator "li.wei" no longer exists' });
  });
});
