import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { thresholdLines } from '../alerts/alert-order';
import { hubApi } from '../api/hub-api';
import type { AlertEventView, AlertFeedEvent, AlertView } from '@hub/api-types';
import { AlertStateBadge, domainLabel, SeverityBadge } from '../components/alert-badges';
import { Chart } from '../components/chart';
import { ErrorNotice, Loading } from '../components/states';
import { Time } from '../components/time';
import { conditionText, durationText, ruleNameText, ruleSummaryText } from '../format/condition';
import { formatDateTime } from '../format/time';
import { formatValue, metricLabel } from '../format/values';
import { useResource } from '../hooks/use-resource';
import { currentLanguage, type MessageId, t } from '../i18n/i18n';
import { useLiveEvent } from '../live/live-feed';
import { Link } from '../router';
import { ActionForm } from './alert-action-form';
import { AlertNotifications } from './alert-notifications';

const HOUR = 3_600_000;

const EVENT_TEXT: Record<AlertEventView['kind'], MessageId> = {
  fired: 'alert.event.fired',
  reopened: 'alert.event.reopened',
  acknowledged: 'alert.event.acknowledged',
  resolved: 'alert.event.resolved',
  flapping: 'alert.event.flapping',
  'flapping-ended': 'alert.event.flappingEnded',
  'condition-cleared': 'alert.event.conditionCleared',
  'condition-returned': 'alert.event.conditionReturned',
  commented: 'alert.event.commented',
  'rule-updated': 'alert.event.ruleUpdated',
};

const RESOLUTION_TEXT: Record<string, MessageId> = {
  cleared: 'alert.resolution.cleared',
  operator: 'alert.resolution.operator',
  'rule-deleted': 'alert.resolution.ruleDeleted',
  'rule-disabled': 'alert.resolution.ruleDisabled',
  'rule-changed': 'alert.resolution.ruleChanged',
};

/** How an alert was resolved, in words; a reason this console does not know yet is shown as the hub names it. */
function resolutionText(resolution: string): string {
  const key = RESOLUTION_TEXT[resolution];
  return key === undefined ? resolution : t(key);
}

/** One alert: what, where, how bad, since when, the readings behind it, its history, and what the operator can do. */
export function AlertDetail(props: { id: number; closeHref: string; onChanged: () => void }): JSX.Element {
  const detail = useResource(
    async (signal) => {
      const [alert, history] = await Promise.all([hubApi.alert(props.id, signal), hubApi.alertHistory(props.id, signal)]);
      // The stored summary is English: another language's reader gets it made from the rule (kept when the rule is gone).
      const rule = currentLanguage() === 'en' ? undefined : await hubApi.rule(alert.ruleId, signal).catch(() => undefined);
      return { alert, history, summary: rule ? ruleSummaryText(rule, alert.unit) : alert.summary };
    },
    [props.id],
    { refreshMs: 15_000, reloadOn: ['hello'] },
  );
  useLiveEvent(['alert'], (_type, data) => {
    if ((data as AlertFeedEvent).alert?.id === props.id) detail.reload();
  });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  if (detail.loading) return <Loading what={t('alert.loading.alert')} />;
  if (!detail.data) return <ErrorNotice error={detail.error ?? new Error(t('alert.notFound'))} onRetry={detail.reload} />;
  const { alert, history } = detail.data;
  const refresh = (): void => {
    detail.reload();
    props.onChanged();
  };
  return (
    <article class="card alert-detail" data-alert-id={alert.id} data-state={alert.state} aria-labelledby="alert-title">
      <header class="detail-header">
        <span class="state-badges">
          <SeverityBadge severity={alert.severity} />
          <AlertStateBadge alert={alert} />
        </span>
        <Link href={props.closeHref} class="button button-ghost button-small" aria-label={t('alert.close')}>
          {t('alert.closeButton')}
        </Link>
      </header>
      <h2 id="alert-title" ref={heading} tabIndex={-1}>
        {ruleNameText(alert.ruleName)} — {alert.deviceId}
      </h2>
      <p class="detail-summary">{detail.data.summary}</p>
      <dl class="detail-grid">
        <div>
          <dt>{t('alert.detail.device')}</dt>
          <dd>
            <Link href={`/devices/${encodeURIComponent(alert.deviceId)}`}>{alert.deviceId}</Link> ({domainLabel(alert.domain)}
            {alert.town ? `, ${alert.town}` : ''})
          </dd>
        </div>
        <div>
          <dt>{t('alert.detail.valueNow')}</dt>
          <dd data-field="value">
            {formatValue(alert.value, alert.unit)} <span class="muted">{t('alert.detail.at')} <Time value={alert.valueAt} /></span>
          </dd>
        </div>
        <div>
          <dt>{t('alert.detail.peak')}</dt>
          <dd data-field="peak">{formatValue(alert.peak, alert.unit)}</dd>
        </div>
        <div>
          <dt>{t('alert.detail.since')}</dt>
          <dd data-field="since">
            <Time value={alert.startedAt} mode="full" />
          </dd>
        </div>
        <div>
          <dt>{t('alert.detail.metric')}</dt>
          <dd>
            {metricLabel(alert.metric)} ({alert.unit})
          </dd>
        </div>
        <div>
          <dt>{t('alert.detail.condition')}</dt>
          <dd>{alert.conditionActive ? t('alert.detail.stillHolds') : alert.conditionEndedAt ? <>{t('alert.detail.clearedAt')} <Time value={alert.conditionEndedAt} /></> : t('alert.detail.cleared')}</dd>
        </div>
        {alert.acknowledgedAt && (
          <div>
            <dt>{t('alert.detail.acknowledged')}</dt>
            <dd data-field="acknowledged">
              {t('alert.detail.acknowledgedBy', { name: alert.acknowledgedBy })} <Time value={alert.acknowledgedAt} />
            </dd>
          </div>
        )}
        {alert.resolvedAt && (
          <div>
            <dt>{t('alert.detail.resolved')}</dt>
            <dd data-field="resolved">
              <Time value={alert.resolvedAt} />
              {t('alert.detail.resolvedHow', { how: alert.resolution ? resolutionText(alert.resolution) : '' })}
              {alert.resolvedBy && alert.resolvedBy !== 'system' ? ` (${alert.resolvedBy})` : ''}
            </dd>
          </div>
        )}
      </dl>
      <RuleLine ruleId={alert.ruleId} unit={alert.unit} />
      <AlertReadings alert={alert} />
      <ActionForm alert={alert} onDone={refresh} />
      <h3 class="card-subtitle">{t('alert.history.title')}</h3>
      <ol class="history" aria-label={t('alert.history.label')}>
        {history.map((event) => (
          <li key={event.id} data-kind={event.kind}>
            <span class="history-kind">{t(EVENT_TEXT[event.kind])}</span>{' '}
            <span class="muted">{event.actor === 'system' ? t('alert.history.byHub') : t('alert.history.by', { actor: event.actor })}</span> ·{' '}
            <time dateTime={event.at} title={formatDateTime(event.at)}>
              {formatDateTime(event.at)}
            </time>
            {event.note && <p class="history-note">{event.note}</p>}
          </li>
        ))}
      </ol>
      <AlertNotifications alertId={alert.id} />
    </article>
  );
}

function RuleLine(props: { ruleId: string; unit: string }): JSX.Element | null {
  const rule = useResource((signal) => hubApi.rule(props.ruleId, signal), [props.ruleId]);
  if (!rule.data) return null;
  return (
    <p class="muted">
      {t('alert.rule.label')} <Link href={`/rules/${encodeURIComponent(rule.data.id)}`}>{ruleNameText(rule.data.name)}</Link>
      {t('alert.rule.condition', { condition: conditionText(rule.data.condition, props.unit), every: durationText(rule.data.evaluateEvery) })}
    </p>
  );
}

/** The metric around the alert: from half an hour before it began until it ended (or now), with the rule's trigger levels. */
function AlertReadings(props: { alert: AlertView }): JSX.Element {
  const { alert } = props;
  const started = Date.parse(alert.startedAt);
  const ended = alert.resolvedAt ? Date.parse(alert.resolvedAt) : undefined;
  const readings = useResource(
    (signal) => {
      const to = Math.min(Date.now(), (ended ?? Date.now()) + 10 * 60_000);
      const from = Math.max(Math.min(started - 30 * 60_000, to - HOUR), to - 7 * 24 * HOUR);
      return hubApi.readings(alert.deviceId, { from, to }, signal);
    },
    [alert.deviceId, alert.startedAt, alert.resolvedAt],
    { refreshMs: ended === undefined ? 15_000 : undefined, reloadOn: ['hello'] },
  );
  const rule = useResource((signal) => hubApi.rule(alert.ruleId, signal), [alert.ruleId]);
  if (readings.loading) return <Loading what={t('alert.loading.readings')} />;
  if (!readings.data) return readings.error ? <ErrorNotice error={readings.error} onRetry={readings.reload} compact /> : <></>;
  const series = readings.data.metrics[alert.metric];
  if (!series || series.points.length === 0) return <p class="muted">{t('alert.readings.none', { metric: metricLabel(alert.metric).toLowerCase() })}</p>;
  return (
    <figure class="chart-figure" data-metric={alert.metric}>
      <figcaption>
        <span class="chart-title">
          {metricLabel(alert.metric)} <span class="muted">({alert.unit})</span>
        </span>
        <span class="chart-latest">{t('alert.readings.averages', { seconds: Math.round(readings.data.everyMs / 1000) })}</span>
      </figcaption>
      <Chart
        title={metricLabel(alert.metric)}
        unit={series.unit}
        points={series.points}
        from={readings.data.from}
        to={readings.data.to}
        thresholds={rule.data ? thresholdLines([rule.data]) : []}
        spans={[{ from: started, to: ended ?? null, severity: alert.severity }]}
        height={180}
      />
    </figure>
  );
}
