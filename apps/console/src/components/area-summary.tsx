import type { JSX } from 'preact';
import { SEVERITIES, type AreaDomainSummary, type AreaSummary, type Severity } from '@hub/api-types';
import { formatCount } from '../format/values';
import { t } from '../i18n/i18n';
import { domainLabel, severityWord } from './alert-badges';

/** Worst first, as the eye should meet them. */
const SEVERITY_FIRST: readonly Severity[] = [...SEVERITIES].reverse();

/** Each domain's light (grey, green, amber, red) with its name; the state in words for those who do not see colour. */
export function DomainLights(props: { domains: readonly AreaDomainSummary[]; large?: boolean }): JSX.Element {
  return (
    <ul class={`domain-lights${props.large ? ' domain-lights-large' : ''}`}>
      {props.domains.map((domain) => {
        const state = t(`overview.light.${domain.light}`);
        return (
          <li key={domain.domain} class={`domain-light light-${domain.light}`} data-domain={domain.domain} data-light={domain.light} title={t('overview.lightTitle', { domain: domainLabel(domain.domain), state })}>
            <span class="light-dot" aria-hidden="true" />
            <span class="light-name">{domainLabel(domain.domain)}</span>
            <span class="visually-hidden">{state}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** Open alerts by severity, the worst first; only the severities that have any, or "No open alerts". */
export function OpenAlertCounts(props: { counts: AreaSummary['openAlerts'] }): JSX.Element {
  const present = SEVERITY_FIRST.filter((severity) => props.counts[severity] > 0);
  if (present.length === 0) return <span class="muted" data-open-alerts="0">{t('overview.noOpenAlerts')}</span>;
  return (
    <span class="alert-counts">
      {present.map((severity) => (
        <span key={severity} class={`pill pill-${severity}`} data-severity={severity} data-count={props.counts[severity]}>
          {t('overview.severityCount', { count: formatCount(props.counts[severity]), severity: severityWord(severity) })}
        </span>
      ))}
    </span>
  );
}

/** Reporting, offline and quiet, each a large number over its word. */
export function DeviceCounts(props: { devices: AreaSummary['devices'] }): JSX.Element {
  const { devices } = props;
  const figures = [
    ['reporting', devices.reporting, t('overview.reporting')],
    ['offline', devices.offline, t('overview.offline')],
    ['quiet', devices.quiet, t('overview.quiet')],
  ] as const;
  return (
    <dl class="device-counts">
      {figures.map(([kind, count, word]) => (
        <div key={kind} class={`device-count device-count-${kind}${count > 0 && kind !== 'reporting' ? ' device-count-problem' : ''}`} data-presence={kind}>
          <dt>{word}</dt>
          <dd>{formatCount(count)}</dd>
        </div>
      ))}
    </dl>
  );
}
