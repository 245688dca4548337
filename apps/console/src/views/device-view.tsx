import type { JSX } from 'preact';
import { compareAlerts, rulesFor, thresholdLines } from '../alerts/alert-order';
import { metricOf, useCatalogue } from '../api/catalogue';
import { exportLinks } from '../api/export-links';
import { hubApi } from '../api/hub-api';
import { hasRole, useMe } from '../auth/session';
import type { AlertRuleDocument, AlertView, DeviceReadings } from '@hub/api-types';
import { AlertStateBadge, SeverityBadge } from '../components/alert-badges';
import { DeviceStatusBadge } from '../components/badges';
import { Chart } from '../components/chart';
import { RangeSwitch } from '../components/range-switch';
import { Page } from '../components/page';
import { Empty, ErrorNotice, Loading, StaleNotice } from '../components/states';
import { Time } from '../components/time';
import { deviceStatus } from '../fleet/device-status';
import { formatDuration } from '../format/time';
import { domainLabel, formatValue, metricLabel } from '../format/values';
import { useNow } from '../hooks/use-now';
import { useResource } from '../hooks/use-resource';
import { t, type MessageId } from '../i18n/i18n';
import { Link, useQueryParam } from '../router';
import { DeadLetterList } from './dead-letter-list';
import { DeviceCommandsPanel } from './device-commands-panel';
import { DeviceConfigPanel } from './device-config-panel';
import { DeviceProfilePanel } from './device-profile-panel';
import { LastValues } from './fleet-view';

/** Each range's button label, and the same range inside a sentence ("No readings in the last hour"). */
export const RANGES: readonly { key: '1h' | '24h' | '7d'; label: MessageId; inSentence: MessageId; spanMs: number; refreshMs: number }[] = [
  { key: '1h', label: 'device.range.1h', inSentence: 'device.range.1h.inSentence', spanMs: 3_600_000, refreshMs: 15_000 },
  { key: '24h', label: 'device.range.24h', inSentence: 'device.range.24h.inSentence', spanMs: 86_400_000, refreshMs: 60_000 },
  { key: '7d', label: 'device.range.7d', inSentence: 'device.range.7d.inSentence', spanMs: 7 * 86_400_000, refreshMs: 300_000 },
];

/** One device: who it is, whether it reports, its readings over the chosen range (averaged by the hub) and what it had refused. */
export function DeviceView(props: { id: string }): JSX.Element {
  const { catalogue } = useCatalogue();
  const me = useMe();
  const now = useNow(5_000);
  const [rangeKey, setRangeKey] = useQueryParam('range');
  const range = RANGES.find((entry) => entry.key === rangeKey) ?? RANGES[0];
  const device = useResource((signal) => hubApi.device(props.id, signal), [props.id], { refreshMs: 10_000, reloadOn: ['hello', 'device'] });
  const readings = useResource(
    (signal) => {
      const to = Date.now();
      return hubApi.readings(props.id, { from: to - range.spanMs, to }, signal);
    },
    [props.id, range.key],
    { refreshMs: range.refreshMs, reloadOn: ['hello'] },
  );
  const deadLetters = useResource((signal) => hubApi.deadLetters({ device: props.id, limit: 5 }, signal), [props.id], { refreshMs: 30_000 });
  const rules = useResource((signal) => hubApi.rules(signal), [], { reloadOn: ['hello'] });
  const alerts = useResource((signal) => hubApi.alerts({ device: props.id, limit: 100 }, signal), [props.id], { refreshMs: 30_000, reloadOn: ['hello', 'alert'] });

  if (device.loading) {
    return (
      <Page title={props.id}>
        <Loading what={t('device.loading')} />
      </Page>
    );
  }
  if (!device.data) {
    return (
      <Page title={props.id}>
        {device.error && <ErrorNotice error={device.error} onRetry={device.reload} />}
        <p>
          <Link href="/fleet">{t('device.backToFleet')}</Link>
        </p>
      </Page>
    );
  }
  const state = device.data;
  const status = deviceStatus(state, now);
  return (
    <Page
      title={state.deviceId}
      subtitle={
        <>
          {domainLabel(state.domain)} · <DeviceStatusBadge status={status} /> ·{' '}
          {status === 'offline' ? (state.statusChangedAt === null ? t('device.neverConnected') : t('device.offlineFor', { duration: formatDuration(now - state.statusChangedAt) })) : <>{t('device.lastHeard')} <Time value={state.lastSeen} mode="ago" /></>}
        </>
      }
      actions={<Link href={`/fleet?domain=${state.domain}`}>{t('device.allOfDomain', { domain: domainLabel(state.domain) })}</Link>}
    >
      <StaleNotice error={device.error} updatedAt={device.updatedAt} onRetry={device.reload} />
      <div class="device-layout">
        <section class="card device-facts" aria-label={t('device.details')}>
          <dl class="facts facts-stacked">
            <dt>{t('device.lastMessage')}</dt>
            <dd>
              <Time value={state.lastSeen} mode="full" />
            </dd>
            <dt>{t('device.newestReading')}</dt>
            <dd>
              <Time value={state.lastReadingTs} mode="full" />
            </dd>
            <dt>{state.online ? t('device.onlineSince') : t('device.offlineSince')}</dt>
            <dd>
              <Time value={state.statusChangedAt} mode="full" />
            </dd>
            <dt>{t('device.firstSeen')}</dt>
            <dd>
              <Time value={state.firstSeen} mode="full" />
            </dd>
            <dt>{t('device.location')}</dt>
            <dd data-location={state.location === null ? '' : `${state.location.latitude},${state.location.longitude}`}>
              {state.location === null ? <span class="muted">{t('device.notPlaced')}</span> : `${state.location.latitude}, ${state.location.longitude}`}
              {state.registered && hasRole(me, 'admin') ? (
                <>
                  {' '}
                  <Link href={`/map?place=${encodeURIComponent(state.deviceId)}`} data-place-on-map>
                    {t('device.placeOnMap')}
                  </Link>
                </>
              ) : null}
            </dd>
            <dt>{t('device.mqttClient')}</dt>
            <dd>
              <code>{state.clientId ?? '—'}</code>
            </dd>
            {state.gatewayId !== null && (
              <>
                <dt>{t('device.gateway')}</dt>
                <dd data-gateway-link>
                  <Link href={`/devices/${encodeURIComponent(state.gatewayId)}`}>{state.gatewayId}</Link> {t('device.publishesForIt')}
                </dd>
              </>
            )}
            {state.kind === 'gateway' && (
              <>
                <dt>{t('device.gatewayFor')}</dt>
                <dd data-children-link>
                  <Link href={`/fleet?gateway=${encodeURIComponent(state.deviceId)}`}>
                    {t('device.childCount', { count: state.childCount ?? 0 })}
                  </Link>{' '}
                  {t('device.inDomains', { domains: state.gatewayDomains.map(domainLabel).join(t('device.listSeparator')) })}
                </dd>
              </>
            )}
          </dl>
          <h2 class="card-subtitle">{t('device.lastValues')}</h2>
          <LastValues device={state} catalogue={catalogue} limit={20} />
        </section>

        <section class="card device-readings" aria-labelledby="readings-title">
          <div class="card-header">
            <h2 id="readings-title" class="card-title">
              {t('device.readings')}
            </h2>
            <div class="card-header-actions">
              <a class="button button-ghost" href={exportLinks.readings(state.deviceId, { from: now - range.spanMs, to: now })} download data-export="readings" title={t('device.downloadReadingsHint', { range: t(range.inSentence) })}>
                {t('export.downloadCsv')}
              </a>
              <RangeSwitch ranges={RANGES} value={range.key} onChange={setRangeKey} />
            </div>
          </div>
          <StaleNotice error={readings.data ? readings.error : undefined} updatedAt={readings.updatedAt} onRetry={readings.reload} />
          {readings.loading && <Loading what={t('device.loadingReadings')} />}
          {!readings.loading && !readings.data && readings.error && <ErrorNotice error={readings.error} onRetry={readings.reload} />}
          {readings.data && (
            <Charts
              readings={readings.data}
              domain={state.domain}
              rangeLabel={t(range.inSentence)}
              catalogue={catalogue}
              rules={rulesFor(rules.data ?? [], state)}
              alerts={alerts.data?.items ?? []}
            />
          )}
        </section>
      </div>

      <section class="card" aria-labelledby="device-alerts">
        <div class="card-header">
          <h2 id="device-alerts" class="card-title">
            {t('device.alerts')}
          </h2>
          <Link href={`/alerts?device=${encodeURIComponent(state.deviceId)}&state=resolved`}>{t('device.resolvedAlertsOf', { device: state.deviceId })}</Link>
        </div>
        {alerts.loading && <Loading what={t('device.loadingAlerts')} />}
        {alerts.error && !alerts.data && <ErrorNotice error={alerts.error} onRetry={alerts.reload} compact />}
        {alerts.data && (alerts.data.items.length === 0 ? <Empty title={t('device.noAlerts')} /> : <DeviceAlerts alerts={alerts.data.items} />)}
      </section>

      {state.registered && <DeviceProfilePanel device={state} onChanged={device.reload} />}

      {state.registered && state.status === 'active' && (
        <>
          <DeviceCommandsPanel deviceId={state.deviceId} />
          <DeviceConfigPanel deviceId={state.deviceId} />
        </>
      )}

      <section class="card" aria-labelledby="device-dead-letters">
        <div class="card-header">
          <h2 id="device-dead-letters" class="card-title">
            {t('device.refused')}
          </h2>
          <Link href={`/dead-letters?device=${encodeURIComponent(state.deviceId)}`}>{t('device.allRefusedOf', { device: state.deviceId })}</Link>
        </div>
        {deadLetters.loading && <Loading what={t('device.loadingRefused')} />}
        {deadLetters.error && !deadLetters.data && <ErrorNotice error={deadLetters.error} onRetry={deadLetters.reload} compact />}
        {deadLetters.data &&
          (deadLetters.data.items.length === 0 ? (
            <Empty title={t('device.nothingRefused')} />
          ) : (
            <DeadLetterList items={deadLetters.data.items} showDevice={false} />
          ))}
      </section>
    </Page>
  );
}

function DeviceAlerts(props: { alerts: readonly AlertView[] }): JSX.Element {
  const sorted = [...props.alerts].sort(compareAlerts).slice(0, 20);
  return (
    <ul class="device-alerts">
      {sorted.map((alert) => (
        <li key={alert.id} data-alert-id={alert.id} data-state={alert.state}>
          <SeverityBadge severity={alert.severity} /> <Link href={`/alerts/${alert.id}`}>{alert.ruleName}</Link> <AlertStateBadge alert={alert} />{' '}
          <span class="muted">
            {t('device.peak', { value: formatValue(alert.peak, alert.unit) })} · <Time value={alert.startedAt} />
            {alert.resolvedAt && <> – <Time value={alert.resolvedAt} /></>}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Charts(props: {
  readings: DeviceReadings;
  domain: string;
  rangeLabel: string;
  catalogue: Parameters<typeof metricOf>[0];
  rules: readonly AlertRuleDocument[];
  alerts: readonly AlertView[];
}): JSX.Element {
  const { readings } = props;
  const catalogueMetrics = props.catalogue?.domains.find((entry) => entry.domain === props.domain)?.metrics.map((metric) => metric.name) ?? [];
  // Catalogue order first (stable across devices), then anything else the device sent.
  const names = [...new Set([...catalogueMetrics, ...Object.keys(readings.metrics)])].filter((name) => (readings.metrics[name]?.points.length ?? 0) > 0);
  if (names.length === 0) {
    return (
      <Empty title={t('device.noReadingsIn', { range: props.rangeLabel })}>{t('device.noReadingsHint')}</Empty>
    );
  }
  return (
    <>
      <p class="muted chart-caption">
        {t('chart.averagesPer', { every: formatDuration(readings.everyMs) })} <Time value={readings.from} mode="short" /> – <Time value={readings.to} mode="short" />
        {t('chart.sentenceEnd')} {readings.resolution !== 'raw' && <span data-resolution={readings.resolution}>{t(readings.resolution === '1h' ? 'chart.fromHourly' : 'chart.fromMinutes')} </span>}
        {t('chart.legend')}
      </p>
      <div class="charts">
        {names.map((name) => {
          const series = readings.metrics[name];
          const spec = metricOf(props.catalogue, props.domain, name);
          const latest = series.points[series.points.length - 1];
          return (
            <figure class="chart-figure" key={name} data-metric={name}>
              <figcaption>
                <span class="chart-title" title={spec?.description}>
                  {metricLabel(name)} {series.unit && series.unit !== '1' && <span class="muted">({series.unit})</span>}
                </span>
                <span class="chart-latest">{formatValue(latest[1], series.unit)}</span>
              </figcaption>
              <Chart
                title={metricLabel(name)}
                unit={series.unit}
                points={series.points}
                from={readings.from}
                to={readings.to}
                typical={spec?.typical}
                thresholds={thresholdLines(props.rules.filter((rule) => rule.selector.metric === name))}
                spans={props.alerts
                  .filter((alert) => alert.metric === name)
                  .map((alert) => ({ from: Date.parse(alert.startedAt), to: alert.resolvedAt ? Date.parse(alert.resolvedAt) : null, severity: alert.severity }))}
              />
            </figure>
          );
        })}
      </div>
    </>
  );
}
