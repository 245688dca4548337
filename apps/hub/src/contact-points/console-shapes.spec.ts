import type { ContactPointDelivery as ApiDelivery, ContactPointView as ApiView, DeliveryResult as ApiResult, NotificationPolicyTree as ApiTree } from '@hub/api-types';
import { DEFAULT_POLICY_TREE, type NotificationPolicyTree } from '@hub/alerts';
import { type ContactPointView, type DeliveryResult, parseNewContactPoint, toContactPointView } from '@hub/notify';
import type { ContactPointDelivery } from './contact-point-delivery.repository';

/**
 * The console reads contact points through @hub/api-types, a copy of the shapes the hub answers with (@hub/notify);
 * these conversions fail to compile when the hub's shapes drift from the copy. The policy tree's shape is
 * @hub/api-types' own, which @hub/alerts re-exports.
 */
const asConsoleReads = {
  view: (view: ContactPointView): ApiView => view,
  result: (result: DeliveryResult): ApiResult => result,
  delivery: (delivery: ContactPointDelivery): ApiDelivery => delivery,
  tree: (tree: NotificationPolicyTree): ApiTree => tree,
};

describe('contact point and policy answers, as the console reads them', () => {
  it('are the @hub/api-types shapes', () => {
    const point = parseNewContactPoint({ name: 'duty', kind: 'webhook', settings: { url: 'https://hooks.example/a', secret: 's' } });
    const view = asConsoleReads.view(toContactPointView({ point, createdAt: 0, createdBy: 'alice', updatedAt: 0, updatedBy: 'alice' }));
    expect(view).toMatchObject({ name: 'duty', kind: 'webhook', secretSet: true, secrets: { secret: true }, settings: { url: 'https://hooks.example/a' } });
    expect(asConsoleReads.result({ ok: false, status: 401, providerAnswer: 'bad signature', retryable: false }).retryable).toBe(false);
    expect(asConsoleReads.delivery({ id: 1, contactPoint: 'duty', alertId: null, at: '1970-01-01T00:00:00.000Z', ok: true, status: 204, providerAnswer: '', retryable: false }).alertId).toBeNull();
    expect(asConsoleReads.tree(DEFAULT_POLICY_TREE).routes).toEqual([]);
  });
});
