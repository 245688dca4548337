import type { JSX } from 'preact';
import type { AlertView, Severity } from '@hub/api-types';

const SEVERITY_TONE = { critical: 'critical', warning: 'warning', info: 'info' } as const;

export function SeverityBadge(props: { severity: Severity }): JSX.Element {
  return (
    <span class={`pill pill-${SEVERITY_TONE[props.severity]} severity`} data-severity={props.severity}>
      {props.severity}
    </span>
  );
}

/** Firing, acknowledged (by whom) or resolved; flapping is shown beside it, as it changes how to read the alert. */
export function AlertStateBadge(props: { alert: Pick<AlertView, 'state' | 'acknowledgedBy' | 'flapping' | 'resolution'> }): JSX.Element {
  const { alert } = props;
  const text = alert.state === 'firing' ? 'Firing' : alert.state === 'acknowledged' ? 'Acknowledged' : 'Resolved';
  return (
    <span class="state-badges">
      <span
        class={`badge badge-state-${alert.state}`}
        data-alert-state={alert.state}
        title={alert.state === 'acknowledged' && alert.acknowledgedBy ? `Acknowledged by ${alert.acknowledgedBy}` : alert.resolution ? `Resolved: ${alert.resolution}` : undefined}
      >
        {text}
      </span>
      {alert.flapping && (
        <span class="badge badge-flapping" title="Started and cleared several times recently">
          Flapping
        </span>
      )}
    </span>
  );
}
