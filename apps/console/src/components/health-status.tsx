import type { JSX } from 'preact';
import { hubApi } from '../api/hub-api';
import type { HubHealth } from '@hub/api-types';
import { Resource, useResource } from '../hooks/use-resource';
import { Link } from '../router';

/** Plain-language problems of the hub, worst first. Empty when all is well. */
export function healthProblems(health: HubHealth): string[] {
  const problems: string[] = [];
  if (!health.broker.ok) problems.push('The MQTT broker is not listening: devices cannot connect.');
  if (!health.influx.ok) {
    const pending = Number(health.spool.pendingReadings ?? 0);
    problems.push(
      `InfluxDB is not answering or refusing writes: new readings are held in the outage spool${pending > 0 ? ` (${pending.toLocaleString()} waiting)` : ''} and charts may have gaps until it is back.`,
    );
  }
  if (health.spool.full) problems.push('The outage spool is full: devices are no longer acknowledged and will resend.');
  if (!health.store.ok) problems.push('The embedded store is failing: dead letters, device state and alerts cannot be saved.');
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
  const label = health.loading ? 'Checking…' : down || health.error ? 'Hub unreachable' : ok ? 'Systems OK' : 'Degraded';
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
  const problems = health.error ? ['The hub is not answering: what is on screen may be out of date.'] : health.data ? healthProblems(health.data) : [];
  if (problems.length === 0) return null;
  return (
    <div class="banner banner-critical" role="alert">
      {problems.map((problem) => (
        <p key={problem}>{problem}</p>
      ))}
    </div>
  );
}
