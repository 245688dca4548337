import type { JSX } from 'preact';
import type { AlertState, AlertView, Severity } from '@hub/api-types';
import { humanize } from '../format/values';
import { t } from '../i18n/i18n';

const SEVERITY_TONE = { critical: 'critical', warning: 'warning', info: 'info' } as const;
const KNOWN_DOMAINS = ['water', 'power', 'gas', 'heat', 'traffic'] as const;
const isKnownDomain = (domain: string): domain is (typeof KNOWN_DOMAINS)[number] => (KNOWN_DOMAINS as readonly string[]).includes(domain);

/** "critical" as a badge word (lower case in English), in the console's language. */
export function severityWord(severity: Severity): string {
  return t(`badge.severity.${severity}`);
}

/** "Critical" as an option or heading. */
export function severityLabel(severity: Severity): string {
  return t(`badge.severityName.${severity}`);
}

/** "Firing", "Acknowledged", "Resolved". */
export function stateLabel(state: AlertState): string {
  return t(`badge.state.${state}`);
}

/** A domain as a word ("Gas"); a domain the console does not know yet is shown as its name, made readable. */
export function domainLabel(domain: string): string {
  return isKnownDomain(domain) ? t(`domain.${domain}`) : humanize(domain);
}

export function SeverityBadge(props: { severity: Severity }): JSX.Element {
  return (
    <span class={`pill pill-${SEVERITY_TONE[props.severity]} severity`} data-severity={props.severity}>
      {severityWord(props.severity)}
    </span>
  );
}

/** Firing, acknowledged (by whom) or resolved; flapping is shown beside it, as it changes how to read the alert. */
export function AlertStateBadge(props: { alert: Pick<AlertView, 'state' | 'acknowledgedBy' | 'flapping' | 'resolution'> }): JSX.Element {
  const { alert } = props;
  return (
    <span class="state-badges">
      <span
        class={`badge badge-state-${alert.state}`}
        data-alert-state={alert.state}
        title={
          alert.state === 'acknowledged' && alert.acknowledgedBy
            ? t('badge.acknowledgedBy', { name: alert.acknowledgedBy })
            : alert.resolution
              ? t('badge.resolvedHow', { resolution: alert.resolution })
              : undefined
        }
      >
        {stateLabel(alert.state)}
      </span>
      {alert.flapping && (
        <span class="badge badge-flapping" title={t('badge.flappingTitle')}>
          {t('badge.flapping')}
        </span>
      )}
    </span>
  );
}
