import { DEFAULT_POLICY_TREE, NotificationPolicyTree } from './notification-policy';
import { groupKeyOf, matchRoutes, namedRoutes, routesByKey } from './route-matcher';

const gasAshfordCritical = { domain: 'gas', town: 'Ashford', severity: 'critical', ruleId: 'methane-high' } as const;

function tree(routes: NotificationPolicyTree['routes']): NotificationPolicyTree {
  return { ...DEFAULT_POLICY_TREE, contactPoints: ['county-duty'], routes };
}

const keysOf = (alert: Parameters<typeof matchRoutes>[1], policy: NotificationPolicyTree): string[] => matchRoutes(policy, alert).map((route) => `${route.key}:${route.contactPoints.join('+')}`);

describe('matchRoutes', () => {
  it('sends an alert no child matches to the default route', () => {
    expect(keysOf(gasAshfordCritical, tree([{ matchers: { domains: ['water'] }, contactPoints: ['water'] }]))).toEqual(['default:county-duty']);
  });

  it('takes the first matching child only, unless it says continue', () => {
    const routes = [
      { matchers: { domains: ['water'] }, contactPoints: ['water'] },
      { matchers: { domains: ['gas'], severities: ['critical'] }, contactPoints: ['gas-on-call'] },
      { matchers: { towns: ['Ashford'] }, contactPoints: ['ashford-office'] },
    ] as const;
    expect(keysOf(gasAshfordCritical, tree([...routes]))).toEqual(['routes[1]:gas-on-call']);
    expect(keysOf(gasAshfordCritical, tree([routes[0], { ...routes[1], continue: true }, routes[2]]))).toEqual(['routes[1]:gas-on-call', 'routes[2]:ashford-office']);
  });

  it('matches every listed field, any value of a list, and absent fields as any', () => {
    const route = (matchers: object) => tree([{ matchers, contactPoints: ['x'] }]);
    expect(keysOf(gasAshfordCritical, route({ domains: ['water', 'gas'], towns: ['Ashford'], severities: ['warning', 'critical'], ruleIds: ['methane-high'] }))).toEqual(['routes[0]:x']);
    expect(keysOf(gasAshfordCritical, route({ domains: ['gas'], ruleIds: ['other'] }))).toEqual(['default:county-duty']);
    expect(keysOf(gasAshfordCritical, route({ severities: ['warning'] }))).toEqual(['default:county-duty']);
    expect(keysOf({ ...gasAshfordCritical, town: null }, route({ towns: ['Ashford'] }))).toEqual(['default:county-duty']);
    expect(keysOf(gasAshfordCritical, route({}))).toEqual(['routes[0]:x']);
  });

  it('descends into the matching child, which takes the alert itself when none of its children match, and inherits what it leaves out', () => {
    const policy = tree([
      {
        matchers: { domains: ['gas'] },
        contactPoints: ['gas-on-call'],
        groupWaitMs: 5000,
        escalation: [{ afterMs: 900_000, contactPoints: ['gas-head'] }],
        routes: [{ matchers: { towns: ['Brookfield'] }, contactPoints: ['brookfield'] }, { matchers: { towns: ['Ashford'] }, repeatIntervalMs: 60_000 }],
      },
    ]);
    const [ashford] = matchRoutes(policy, gasAshfordCritical);
    expect(ashford).toEqual({
      key: 'routes[0].routes[1]',
      names: [],
      contactPoints: ['gas-on-call'],
      groupWaitMs: 5000,
      groupIntervalMs: DEFAULT_POLICY_TREE.groupIntervalMs,
      repeatIntervalMs: 60_000,
      quietHours: null,
      escalation: [{ afterMs: 900_000, contactPoints: ['gas-head'] }],
    });
    expect(keysOf({ ...gasAshfordCritical, town: 'Carlow' }, policy)).toEqual(['routes[0]:gas-on-call']);
    expect([...routesByKey(policy).keys()]).toEqual(['default', 'routes[0]', 'routes[0].routes[0]', 'routes[0].routes[1]']);
  });

  it('names a route by its own name and those above it, and knows the most each named route can take', () => {
    const policy = tree([
      { name: 'water', matchers: { domains: ['water'] }, contactPoints: ['water'] },
      {
        name: 'gas',
        matchers: { domains: ['gas', 'heat'], towns: ['Ashford', 'Brookfield'] },
        routes: [
          { matchers: { severities: ['warning'] }, contactPoints: ['gas-warnings'] },
          { name: 'gas-ashford', matchers: { towns: ['Ashford', 'Carlow'] }, contactPoints: ['ashford'] },
        ],
      },
    ]);
    // A named route is kept under its name, an unnamed one by its position under the nearest named one.
    expect(matchRoutes(policy, gasAshfordCritical).map((route) => [route.key, route.names])).toEqual([['gas-ashford', ['gas', 'gas-ashford']]]);
    expect(matchRoutes(policy, { ...gasAshfordCritical, severity: 'warning' }).map((route) => route.names)).toEqual([['gas']]);
    expect(matchRoutes(policy, { ...gasAshfordCritical, domain: 'power' }).map((route) => [route.key, route.names])).toEqual([['default', []]]);
    expect(routesByKey(policy).get('gas-ashford')?.names).toEqual(['gas', 'gas-ashford']);
    expect([...routesByKey(policy).keys()]).toEqual(['default', 'water', 'gas', 'gas.routes[0]', 'gas-ashford']);
    expect([...namedRoutes(policy).values()]).toEqual([
      { name: 'water', towns: null, domains: ['water'] },
      { name: 'gas', towns: ['Ashford', 'Brookfield'], domains: ['gas', 'heat'] },
      { name: 'gas-ashford', towns: ['Ashford'], domains: ['gas', 'heat'] },
    ]);
  });

  it('lets a town matcher take its villages’ alerts and a village matcher only its own; a village under a town route narrows its reach', () => {
    const inMillbrook = { ...gasAshfordCritical, village: 'Millbrook' };
    const routes = tree([
      { name: 'millbrook', matchers: { towns: ['Ashford/Millbrook'] }, contactPoints: ['village'] },
      { name: 'ashford', matchers: { towns: ['Ashford'] }, contactPoints: ['town'], routes: [{ name: 'ashford-oakley', matchers: { towns: ['Ashford/Oakley', 'Brook'] }, contactPoints: ['oakley'] }] },
    ]);
    expect(keysOf(inMillbrook, routes)).toEqual(['millbrook:village']);
    expect(keysOf(gasAshfordCritical, routes)).toEqual(['ashford:town']);
    expect(keysOf({ ...gasAshfordCritical, village: 'Oakley' }, routes)).toEqual(['ashford-oakley:oakley']);
    expect(namedRoutes(routes).get('ashford-oakley')).toEqual({ name: 'ashford-oakley', towns: ['Ashford/Oakley'], domains: null });
  });

  it('groups by rule, domain and town', () => {
    expect(groupKeyOf(gasAshfordCritical)).toBe('methane-high|gas|Ashford');
    expect(groupKeyOf({ ...gasAshfordCritical, town: null })).toBe('methane-high|gas|');
  });
});
