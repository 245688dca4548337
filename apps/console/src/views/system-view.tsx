import { Fragment, type JSX } from 'preact';
import { hubApi } from '../api/hub-api';
import type { ComponentHealth, HubHealth, IngestStatsSnapshot } from '@hub/api-types';
import { Page } from '../components/page';
import { ErrorNotice, Loading, StaleNotice } from '../components/states';
import { Time } from '../components/time';
import { useResource } from '../hooks/use-resource';
import { formatBytes, formatCount } from '../format/values';
import { t, type MessageId } from '../i18n/i18n';

const COMPONENTS: readonly { key: keyof Omit<HubHealth, 'status' | 'leader'>; title: MessageId; what: MessageId }[] = [
  { key: 'broker', title: 'system.broker', what: 'system.broker.what' },
  { key: 'influx', title: 'system.influx', what: 'system.influx.what' },
  { key: 'store', title: 'system.store', what: 'system.store.what' },
  { key: 'spool', title: 'system.spool', what: 'system.spool.what' },
];

/** The hub's own health, for the operator who wants to know whether a gap in a chart is the network or the hub. */
export function SystemView(): JSX.Element {
  const health = useResource((signal) => hubApi.health(signal), [], { refreshMs: 5_000, reloadOn: ['hello'] });
  const stats = useResource((signal) => hubApi.ingestStats(signal), [], { refreshMs: 5_000 });
  return (
    <Page title={t('system.title')} subtitle={health.data && (health.data.status === 'ok' ? t('system.healthy') : t('system.degraded'))}>
      <StaleNotice error={health.data ? health.error : undefined} updatedAt={health.updatedAt} onRetry={health.reload} />
      {health.loading && <Loading what={t('system.loading')} />}
      {!health.loading && !health.data && health.error && <ErrorNotice error={health.error} onRetry={health.reload} />}
      {health.data && (
        <div class="health-grid">
          {COMPONENTS.map(({ key, title, what }) => (
            <HealthCard key={key} component={key} title={t(title)} what={t(what)} health={health.data![key]} />
          ))}
        </div>
      )}
      {stats.data && <IngestCard stats={stats.data} />}
    </Page>
  );
}

function HealthCard(props: { component: string; title: string; what: string; health: ComponentHealth }): JSX.Element {
  const { ok, ...details } = props.health;
  return (
    <section class={`card health-card ${ok ? 'health-ok' : 'health-down'}`} aria-label={props.title} data-component={props.component}>
      <h2 class="card-title">
        <span class="dot" aria-hidden="true" /> {props.title} <span class="health-word">{ok ? t('system.ok') : t('system.down')}</span>
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
        {t('system.ingest')}
      </h2>
      <dl class="stats">
        {entries.map(([name, value]) => (
          <div key={name} class="stat">
            <dt>{labelOf(name)}</dt>
            <dd>{typeof value === 'number' ? formatCount(value) : value ? t('system.yes') : t('system.no')}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function formatDetail(name: string, value: unknown): JSX.Element | string {
  if (name.endsWith('At') && typeof value === 'number') return <Time value={value} mode="full" />;
  if (/bytes$/i.test(name) && typeof value === 'number') return formatBytes(value);
  if (typeof value === 'boolean') return value ? t('system.yes') : t('system.no');
  if (typeof value === 'number') return formatCount(value);
  return String(value ?? '—');
}

/** The fields the hub reports today (GET /api/health, /api/ingest/stats), which have a label in every language. */
const FIELDS: ReadonlySet<string> = new Set([
  'accepted', 'balanced', 'buffered', 'bytes', 'connectedClients', 'duplicates', 'error', 'full', 'kind', 'lastWriteAt', 'lastWriteError',
  'maxBytes', 'mqttPort', 'mqttsPort', 'pendingReadings', 'pingMs', 'received', 'recovered', 'refusedByInflux', 'rejected', 'replayedBatches',
  'spooled', 'waitingForRoom', 'wsPort', 'writeBatches', 'writeErrors', 'writesFailing', 'written',
]);

/** "writesFailing" → "writes failing"; a field a newer hub adds is spelt out from its name. */
function labelOf(name: string): string {
  return FIELDS.has(name) ? t(`system.field.${name}` as MessageId) : name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
