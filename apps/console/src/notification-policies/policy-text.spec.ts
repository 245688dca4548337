import type { NotificationPolicyTree } from '@hub/api-types';
import { useLanguageForTests } from '../i18n/i18n.testing';
import { escalationText, matchersText, placesNaming, timingsText } from './policy-text';

const TREE: NotificationPolicyTree = {
  contactPoints: ['duty'],
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 0,
  quietHours: null,
  escalation: [],
  personalDelivery: { email: 'duty', sms: null },
  routes: [
    { matchers: { domains: ['gas'], severities: ['critical'] }, contactPoints: ['gas'], escalation: [{ afterMs: 900_000, contactPoints: ['head'] }], routes: [{ contactPoints: ['duty'] }] },
  ],
};

beforeEach(() => useLanguageForTests('en'));

describe('notification policy in words', () => {
  it('says what a route matches, how often it repeats and whom it escalates to', () => {
    expect(matchersText(TREE.routes[0].matchers)).toBe('domain gas, severity critical');
    expect(matchersText(undefined)).toBe('every alert');
    expect(timingsText(TREE)).toEqual(['group wait 0.5 min', 'group interval 5 min', 'never repeated', 'no quiet hours']);
    expect(escalationText({ afterMs: 900_000, contactPoints: ['head', 'deputy'] })).toBe('after 15 min unacknowledged → head, deputy');
  });

  it('finds every place the tree names a contact point', () => {
    expect(placesNaming(TREE, 'duty')).toEqual(['operators’ own email', 'Default route', 'Route 1.1']);
    expect(placesNaming(TREE, 'head')).toEqual(['Route 1 escalation level 1']);
    expect(placesNaming(TREE, 'nobody')).toEqual([]);
  });

  it('says it in Chinese, severities and built-in domains as words', () => {
    useLanguageForTests('zh-CN');
    expect(matchersText({ ...TREE.routes[0].matchers, domains: ['gas', 'steam'], towns: ['Ashford'] })).toBe('行业为燃气或steam，级别为严重，乡镇为Ashford');
    expect(timingsText({ ...TREE, repeatIntervalMs: 14_400_000 })).toEqual(['分组等待 0.5 分钟', '分组间隔 5 分钟', '未确认时每 240 分钟重复发送', '无免打扰时段']);
    expect(escalationText({ afterMs: 900_000, contactPoints: ['head', 'deputy'] })).toBe('15 分钟未确认 → head, deputy');
    expect(placesNaming(TREE, 'head')).toEqual(['路由 1 第 1 级升级']);
  });
});
