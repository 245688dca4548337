import type { JSX } from 'preact';
import { hubApi } from '../api/hub-api';
import type { HubHealth } from '@hub/api-types';
import { Resource, useResource } from '../hooks/use-resource';
import { currentLanguage, t } from '../i18n/i18n';
import { Link } from '../router';

/** Plain-language problems of the hub, worst first. Empty when all is well. */
export function healthProblems(health: HubHealth): string[] {
  const problems: string[] = [];
  if (!health.broker.ok) problems.push(t('health.broker'));
  if (!health.influx.ok) {
    const pending = Number(health.spool.pendingReadings ?? 0);
    const waiting = pending > 0 ? t('health.influxWaiting', { count: new Intl.NumberFormat(currentLanguage()).format(pending) }) : '';
    problems.push(t('health.influx', { waiting }));
  }
  if (health.spool.full) problems.push(t('health.spoolFull'));
  if (!health.store.ok) problems.push(t('health.store'));
  return problems;
}

/** One health poll for the whole console, shared by the indicator and the banner. */
export function useHealth(): Resource<HubHealth> {
  return useResource((signal) => hubApi.health(signal), [], { refreshMs: 15_000, reloadOn: ['hello'] });
}

export function HealthIndicator(props: { health: Resource<HubHealth> }): JSX.Element {
  const { health } = props;
  const down = health.error !== undefined && health.updatedAt === undefined;
  const ok = health.data?.status === 'ok' && !health.error;
  const label = health.loading ? t('health.checking') : down || health.error ? t('health.unreachable') : ok ? t('health.ok') : t('health.degraded');
  return (
    <Link href="/system" class={`health-pill ${ok ? 'health-ok' : health.loading ? '' : 'health-down'}`} data-health={ok ? 'ok' : 'degraded'}>
      <span class="dot" aria-hidden="true" />
      {label}
    </Link>
  );
}

/** A strip under the header while something is wrong, on every page: the operator should not have to go looking. */
export function HealthBanner(props: { health: Resource<HubHealth> }): JSX.Element | null {
  const { health } = props;
  const problems = health.error ? [t('health.hubNotAnswering')] : health.data ? healthProblems(health.data) : [];
  if (problems.length === 0) return null;
  return (
    <div class="banner banner-critical" role="alert">
      {problems.map((problem) => (
        <p key={problem}>{problem}</p>
      ))}
    </div>
  );
}
