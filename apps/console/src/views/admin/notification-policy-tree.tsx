import type { JSX } from 'preact';
import type { NotificationPolicyTree, PolicyRoute } from '@hub/api-types';
import { escalationText, matchersText, timingsText } from '../../notification-policies/policy-text';

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
          <strong>Default route</strong> <span class="muted">— every alert no child route takes</span>
        </p>
        <RouteBody route={tree} root />
        <p class="muted small" data-cell="personal-delivery">
          Operators’ own email: {tree.personalDelivery.email === null ? 'not offered' : `through ${tree.personalDelivery.email}`}; own SMS:{' '}
          {tree.personalDelivery.sms === null ? 'not offered' : `through ${tree.personalDelivery.sms}`}
        </p>
      </div>
      {tree.routes.length === 0 ? (
        <p class="muted">No child routes: every alert goes the default route’s way.</p>
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
              <strong>Route {label}</strong>
              {route.name && (
                <>
                  {' '}
                  <code data-cell="name">{route.name}</code>
                </>
              )}
              : <span data-cell="matches">{matchersText(route.matchers)}</span>
              {route.continue && <span class="muted"> — and keeps looking at the next routes (continue)</span>}
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
  const sends = route.contactPoints === undefined ? 'the parent’s contact points' : route.contactPoints.length === 0 ? 'nobody' : route.contactPoints.join(', ');
  return (
    <ul class="policy-route-facts">
      <li data-cell="sends">→ {sends}</li>
      <li data-cell="timings">{timings.length > 0 ? timings.join(' · ') : 'timings as the parent’s'}</li>
      {route.escalation === undefined ? (
        !props.root && <li data-cell="escalation">escalation as the parent’s</li>
      ) : route.escalation.length === 0 ? (
        <li data-cell="escalation">no escalation</li>
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
