import type { NotificationPolicyTree } from '@hub/api-types';
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
});
