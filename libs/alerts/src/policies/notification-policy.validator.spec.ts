import { InvalidInputError } from '@hub/common';
import { MetricCatalogue } from '@hub/contract';
import { parseNotificationPolicyTree } from './notification-policy.validator';

const KINDS: Record<string, string> = { 'gas-dingtalk': 'dingtalk', 'duty-sms': 'sms', 'gas-head-email': 'email', 'county-duty': 'webhook' };
const context = { catalogue: MetricCatalogue.BUILT_IN, contactPointKind: (name: string) => KINDS[name] };

function problems(body: unknown): string[] {
  try {
    parseNotificationPolicyTree(body, context);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map((issue) => `${issue.field} ${issue.problem}`);
    throw error;
  }
  return [];
}

describe('parseNotificationPolicyTree', () => {
  it('reads the issue’s example, filling the default route’s timings', () => {
    expect(
      parseNotificationPolicyTree(
        {
          contactPoints: ['county-duty'],
          routes: [
            {
              matchers: { domains: ['gas'], severities: ['critical'] },
              contactPoints: ['gas-dingtalk', 'duty-sms'],
              groupWaitMs: '30s',
              escalation: [{ afterMs: '15m', contactPoints: ['gas-head-email'] }],
            },
          ],
        },
        context,
      ),
    ).toEqual({
      contactPoints: ['county-duty'],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      quietHours: null,
      escalation: [],
      personalDelivery: { email: null, sms: null },
      routes: [
        {
          matchers: { domains: ['gas'], severities: ['critical'] },
          contactPoints: ['gas-dingtalk', 'duty-sms'],
          groupWaitMs: 30_000,
          escalation: [{ afterMs: 900_000, contactPoints: ['gas-head-email'] }],
          routes: [],
        },
      ],
    });
  });

  it('lists every problem with its path', () => {
    expect(
      problems({
        contactPoints: ['nobody'],
        matchers: {},
        groupWaitMs: -1,
        quietHours: { start: '22:00', end: '7:00', timeZone: 'Mars/Olympus' },
        routes: [
          {
            matchers: { domains: ['gaz'], severities: ['critical', 'urgent'], towns: [''], rules: ['x'] },
            continue: 'yes',
            escalation: [
              { afterMs: '15m', contactPoints: ['gas-head-email'] },
              { afterMs: '10m', contactPoints: [] },
              { contactPoints: ['duty-sms'] },
            ],
            routes: [{ repeatIntervalMs: '8d' }, 'water'],
          },
        ],
      }),
    ).toEqual([
      'matchers is not a known field; allowed: contactPoints, groupWaitMs, groupIntervalMs, repeatIntervalMs, quietHours, escalation, routes, personalDelivery',
      'contactPoints[0] names no contact point: "nobody"',
      'groupWaitMs must be a duration like 500ms, 30s, 5m, 2h or 1d (or milliseconds) from 0s to 1d, got -1',
      'quietHours.end must match HH:MM (00:00–23:59)',
      'quietHours.timeZone must be an IANA time zone such as Asia/Shanghai, got "Mars/Olympus"',
      'routes[0].matchers.rules is not a known field; allowed: domains, towns, severities, ruleIds',
      'routes[0].matchers.domains[0] must be one of water, power, gas, heat, traffic, got "gaz"',
      'routes[0].matchers.towns[0] must be a town ("Ashford") or a village of a town ("Ashford/Millbrook"), each name of 1–100 characters without "/", control or invisible formatting characters, got ""',
      'routes[0].matchers.severities[1] must be one of info, warning, critical, got "urgent"',
      'routes[0].continue must be true or false, got "yes"',
      'routes[0].escalation[1].contactPoints must name at least one contact point',
      'routes[0].escalation[1].afterMs must be later than level 1\'s (900000 ms): each level counts from when the alert fired',
      'routes[0].escalation[2].afterMs is required',
      'routes[0].routes[0].repeatIntervalMs must be a duration like 500ms, 30s, 5m, 2h or 1d (or milliseconds) from 0s to 7d, got "8d"',
      'routes[0].routes[1] must be a JSON object, got "water"',
    ]);
  });

  it('refuses what is not an object, and windows that are empty', () => {
    expect(problems([])).toEqual(['(body) must be a JSON object, got an array']);
    expect(problems({ quietHours: { start: '07:00', end: '07:00' } })).toEqual(['quietHours.end must differ from start']);
    expect(problems({ routes: {} })).toEqual(['routes must be an array of routes, got an object']);
  });

  it('keeps route names unique, and personal delivery to an existing contact point of the channel’s kind', () => {
    expect(
      parseNotificationPolicyTree(
        { personalDelivery: { email: 'gas-head-email', sms: null }, routes: [{ name: 'gas', matchers: { domains: ['gas'] }, routes: [{ name: 'gas-critical', matchers: { severities: ['critical'] } }] }] },
        context,
      ),
    ).toMatchObject({ personalDelivery: { email: 'gas-head-email', sms: null }, routes: [{ name: 'gas', routes: [{ name: 'gas-critical' }] }] });
    expect(
      problems({
        personalDelivery: { email: 'duty-sms', sms: 'nobody', fax: 'x' },
        routes: [{ name: 'gas' }, { name: 'Gas Critical' }, { routes: [{ name: 'gas' }, { name: 'default' }] }],
      }),
    ).toEqual([
      'routes[1].name must match lower-case letters, digits and -, 1–40 characters, e.g. gas-critical',
      'routes[2].routes[0].name "gas" names another route already: route names are unique in the tree',
      'routes[2].routes[1].name "default" is the default route’s: choose another name',
      'personalDelivery.fax is not a known field; allowed: email, sms',
      'personalDelivery.email must name an email contact point (its server carries operators\' own messages); "duty-sms" is sms',
      'personalDelivery.sms names no contact point: "nobody"',
    ]);
  });

  it('puts quiet hours that name no zone in the county’s', () => {
    const tree = parseNotificationPolicyTree({ quietHours: { start: '22:00', end: '07:00' } }, { ...context, defaultTimeZone: 'Europe/Berlin' });
    expect(tree.quietHours).toEqual({ start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' });
    expect(parseNotificationPolicyTree({ quietHours: { start: '22:00', end: '07:00' } }, context).quietHours?.timeZone).toBe('Asia/Shanghai');
  });
});
