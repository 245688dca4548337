import type { NotificationPolicyTree } from '@hub/api-types';
import { useLanguageForTests } from '../i18n/i18n.testing';
import { describePath, draftOfTree, emptyLevel, emptyRoute, moveRoute, problemsAt, removeRoute, treeOfDraft, updateRoute } from './policy-draft';

const TREE: NotificationPolicyTree = {
  contactPoints: ['county-duty'],
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 14_400_000,
  quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Shanghai' },
  escalation: [],
  personalDelivery: { email: 'county-mail', sms: null },
  routes: [
    { name: 'gas-critical', matchers: { domains: ['gas'], severities: ['critical'] }, contactPoints: ['gas-on-call'], repeatIntervalMs: 3_600_000, escalation: [{ afterMs: 900_000, contactPoints: ['head'] }], routes: [] },
    { matchers: { towns: ['Ashford'] }, contactPoints: ['ashford'], continue: true, routes: [] },
  ],
};

beforeEach(() => useLanguageForTests('en'));

describe('notification policy editor model', () => {
  it('gives back the tree it was made from, inherited settings left out', () => {
    expect(treeOfDraft(draftOfTree(TREE))).toEqual(TREE);
  });

  it('builds a route: matchers, contact points, minutes as milliseconds, an escalation level', () => {
    const root = updateRoute(draftOfTree({ ...TREE, routes: [] }), [], (route) => ({ ...route, routes: [emptyRoute()] }));
    const built = updateRoute(root, [0], (route) => ({ ...route, domains: ['water'], towns: 'Ashford, Brook', contactPoints: ['water-duty'], groupWait: '0.5', escalation: [{ ...emptyLevel('15'), contactPoints: ['head'] }] }));
    expect(treeOfDraft(built).routes).toEqual([
      { matchers: { domains: ['water'], towns: ['Ashford', 'Brook'] }, contactPoints: ['water-duty'], groupWaitMs: 30_000, escalation: [{ afterMs: 900_000, contactPoints: ['head'] }], routes: [] },
    ]);
  });

  it('saves back as read the fields it does not know, the route’s and its matchers’', () => {
    const later = { ...TREE, grouping: 'by-town', routes: [{ ...TREE.routes[0], matchers: { ...TREE.routes[0].matchers, devices: ['g-1'] }, mute: true }] } as unknown as NotificationPolicyTree;
    expect(treeOfDraft(draftOfTree(later))).toEqual(later);
  });

  it('leaves a quiet-hours zone left blank out, for the hub to take the county’s', () => {
    const draft = updateRoute(draftOfTree(TREE), [], (route) => ({ ...route, quietTimeZone: ' ' }));
    expect(treeOfDraft(draft).quietHours).toEqual({ start: '22:00', end: '07:00' });
  });

  it('sends a duration it cannot read as typed, for the hub to name', () => {
    const draft = updateRoute(draftOfTree(TREE), [], (route) => ({ ...route, groupWait: 'soon' }));
    expect(treeOfDraft(draft).groupWaitMs).toBe('soon');
  });

  it('moves and removes routes', () => {
    const draft = draftOfTree(TREE);
    expect(treeOfDraft(moveRoute(draft, [1], -1)).routes.map((route) => route.contactPoints)).toEqual([['ashford'], ['gas-on-call']]);
    expect(treeOfDraft(moveRoute(draft, [1], 1)).routes.map((route) => route.contactPoints)).toEqual([['gas-on-call'], ['ashford']]);
    expect(treeOfDraft(removeRoute(draft, [0])).routes.map((route) => route.contactPoints)).toEqual([['ashford']]);
  });

  it('names a problem’s route in words and gathers a field’s problems', () => {
    const draft = draftOfTree(TREE);
    expect(describePath(draft, 'routes[0].escalation[1].afterMs')).toBe('Route 1 “gas-critical” (gas, critical) › escalation level 2 › after');
    expect(describePath(draft, 'personalDelivery.sms')).toBe('Default route › operators’ own messages › sms');
    expect(describePath(draft, 'routes[1].contactPoints[0]')).toBe('Route 2 (Ashford) › contact points (entry 1)');
    expect(describePath(draft, 'quietHours.timeZone')).toBe('Default route › quiet hours › time zone');
    expect(problemsAt({ 'routes[0].contactPoints[1]': 'names no contact point: "x"', 'routes[0].contactPointsExtra': 'no' }, 'routes[0].contactPoints')).toBe('entry 2: names no contact point: "x"');
  });

  it('names a problem’s route in Chinese words', () => {
    useLanguageForTests('zh-CN');
    const draft = draftOfTree(TREE);
    expect(describePath(draft, 'routes[0].escalation[1].afterMs')).toBe('路由 1“gas-critical”（燃气、严重） › 第 2 级升级 › 等待时长');
    expect(describePath(draft, 'routes[1].contactPoints[0]')).toBe('路由 2（Ashford） › 联络点（第 1 项）');
  });
});
