import { Fragment, type JSX } from 'preact';
import { hubApi } from '../api/hub-api';
import type { ComponentHealth, HubHealth, IngestStatsSnapshot } from '@hub/api-types';
import { Page } from '../components/page';
import { ErrorNotice, Loading, StaleNotice } from '../components/states';
import { Time } from '../components/time';
import { useResource } from '../hooks/use-resource';
import { formatBytes } from '../format/values';

const COMPONENTS: readonly { key: keyof Omit<HubHealth, 'status'>; title: string; what: string }[] = [
  { key: 'broker', title: 'MQTT broker', what: 'Where devices connect and publish.' },
  { key: 'influx', title: 'InfluxDB', what: 'Where readings are stored; charts read from it.' },
  { key: 'store', title: 'Embedded store', what: 'Dead letters, device state and alerts (SQLite).' },
  { key: 'spool', title: 'Outage spool', what: 'Holds acknowledged readings while InfluxDB cannot take them.' },
];

/** The hub's own health, for the operator who wants to know whether a gap in a chart is the network or the hub. */
export function SystemView(): JSX.Element {
  const health = useResource((signal) => hubApi.health(signal), [], { refreshMs: 5_000, reloadOn: ['hello'] });
  const stats = useResource((signal) => hubApi.ingestStats(signal), [], { refreshMs: 5_000 });
  return (
    <Page title="System" subtitle={health.data && (health.data.status === 'ok' ? 'All components healthy' : 'Degraded: see below')}>
      <StaleNotice error={health.data ? health.error : undefined} updatedAt={health.updatedAt} onRetry={health.reload} />
      {health.loading && <Loading what="health" />}
      {!health.loading && !health.data && health.error && <ErrorNotice error={health.error} onRetry={health.reload} />}
      {health.data && (
        <div class="health-grid">
          {COMPONENTS.map(({ key, title, what }) => (
            <HealthCard key={key} title={title} what={what} health={health.data![key]} />
          ))}
        </div>
      )}
      {stats.data && <IngestCard stats={stats.data} />}
    </Page>
  );
}

function HealthCard(props: { title: string; what: string; health: ComponentHealth }): JSX.Element {
  const { ok, ...details } = props.health;
  return (
    <section class={`card health-card ${ok ? 'health-ok' : 'health-down'}`} aria-label={props.title} data-component={props.title}>
      <h2 class="card-title">
        <span class="dot" aria-hidden="true" /> {props.title} <span class="health-word">{ok ? 'OK' : 'Down'}</span>
      </h2>
      <p class="muted">{props.what}</p>
      <dl class="facts facts-inline">
        {Object.entries(details).map(([name, value]) => (
          <Fragment key={name}>
            <dt>{labelOf(name)}</dt>
            <dd>{formatDetail(name, value)}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

function IngestCard(props: { stats: IngestStatsSnapshot }): JSX.Element {
  const entries = Object.entries(props.stats).filter(([, value]) => typeof value === 'number' || typeof value === 'boolean');
  return (
    <section class="card" aria-labelledby="ingest-title">
      <h2 id="ingest-title" class="card-title">
        Ingest since the hub started
      </h2>
      <dl class="stats">
        {entries.map(([name, value]) => (
          <div key={name} class="stat">
            <dt>{labelOf(name)}</dt>
            <dd>{typeof value === 'number' ? value.toLocaleString() : value ? 'yes' : 'no'}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function formatDetail(name: string, value: unknown): JSX.Element | string {
  if (name.endsWith('At') && typeof value === 'number') return <Time value={value} mode="full" />;
  if (/bytes$/i.test(name) && typeof value === 'number') return formatBytes(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return value.toLocaleString();
  return String(value ?? '—');
}

const LABELS: Record<string, string> = { refusedByInflux: 'refused by InfluxDB', pingMs: 'ping (ms)', mqttPort: 'MQTT port', wsPort: 'MQTT/WebSocket port' };

/** "writesFailing" → "writes failing". */
function labelOf(name: string): string {
  return LABELS[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
