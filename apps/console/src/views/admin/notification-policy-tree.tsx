import type { JSX } from 'preact';
import type { NotificationPolicyTree, PolicyRoute } from '@hub/api-types';
import { t } from '../../i18n/i18n';
import { escalationText, matchersText, timingsText } from '../../notification-policies/policy-text';

/** The contact point carrying operators' own messages of a channel, in words. */
const through = (name: string | null): string => (name === null ? t('notify.policy.tree.notOffered') : t('notify.policy.tree.through', { name }));

/**
 * The routing tree in force, read-only and in words: the default route, then each child route in the order the hub
 * tries them (first match wins unless it continues), with what it matches, where it sends and whom it escalates to.
 */
export function PolicyTreeView(props: { tree: NotificationPolicyTree }): JSX.Element {
  const { tree } = props;
  return (
    <div class="policy-tree" data-policy-tree>
      <div class="policy-route" data-route="default">
        <p class="policy-route-title">
          <strong>{t('notify.policy.defaultRoute')}</strong> <span class="muted">{t('notify.policy.tree.defaultTakes')}</span>
        </p>
        <RouteBody route={tree} root />
        <p class="muted small" data-cell="personal-delivery">
          {t('notify.policy.tree.personal', { email: through(tree.personalDelivery.email), sms: through(tree.personalDelivery.sms) })}
        </p>
      </div>
      {tree.routes.length === 0 ? (
        <p class="muted">{t('notify.policy.tree.noRoutes')}</p>
      ) : (
        <RouteList routes={tree.routes} numbers={[]} />
      )}
    </div>
  );
}

function RouteList(props: { routes: readonly PolicyRoute[]; numbers: readonly number[] }): JSX.Element {
  return (
    <ol class="policy-routes">
      {props.routes.map((route, index) => {
        const numbers = [...props.numbers, index + 1];
        const label = numbers.join('.');
        return (
          <li key={label} class="policy-route" data-route={label}>
            <p class="policy-route-title">
              <strong>{t('notify.policy.route', { number: label })}</strong>
              {route.name && (
                <>
                  {' '}
                  <code data-cell="name">{route.name}</code>
                </>
              )}
              {t('notify.policy.tree.matchesSeparator')}
              <span data-cell="matches">{matchersText(route.matchers)}</span>
              {route.continue && <span class="muted">{t('notify.policy.tree.continues')}</span>}
            </p>
            <RouteBody route={route} root={false} />
            {route.routes && route.routes.length > 0 && <RouteList routes={route.routes} numbers={numbers} />}
          </li>
        );
      })}
    </ol>
  );
}

function RouteBody(props: { route: Partial<PolicyRoute>; root: boolean }): JSX.Element {
  const { route } = props;
  const timings = timingsText(route);
  const sends =
    route.contactPoints === undefined ? t('notify.policy.tree.parentContactPoints') : route.contactPoints.length === 0 ? t('notify.policy.tree.nobody') : route.contactPoints.join(', ');
  return (
    <ul class="policy-route-facts">
      <li data-cell="sends">{t('notify.policy.tree.sends', { sends })}</li>
      <li data-cell="timings">{timings.length > 0 ? timings.join(' · ') : t('notify.policy.tree.parentTimings')}</li>
      {route.escalation === undefined ? (
        !props.root && <li data-cell="escalation">{t('notify.policy.tree.parentEscalation')}</li>
      ) : route.escalation.length === 0 ? (
        <li data-cell="escalation">{t('notify.policy.tree.noEscalation')}</li>
      ) : (
        route.escalation.map((level, index) => (
          <li key={index} data-cell="escalation">
            {escalationText(level)}
          </li>
        ))
      )}
    </ul>
  );
}
