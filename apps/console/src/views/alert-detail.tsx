import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { describeCondition } from '@hub/api-types';
import { thresholdLines } from '../alerts/alert-order';
import { hubApi } from '../api/hub-api';
import type { AlertEventView, AlertFeedEvent, AlertView } from '@hub/api-types';
import { AlertStateBadge, SeverityBadge } from '../components/alert-badges';
import { Chart } from '../components/chart';
import { ErrorNotice, Loading } from '../components/states';
import { Time } from '../components/time';
import { formatDateTime } from '../format/time';
import { formatValue, humanize, metricLabel } from '../format/values';
import { useResource } from '../hooks/use-resource';
import { useLiveEvent } from '../live/live-feed';
import { Link } from '../router';
import { ActionForm } from './alert-action-form';
import { AlertNotifications } from './alert-notifications';

const HOUR = 3_600_000;

const EVENT_TEXT: Record<AlertEventView['kind'], string> = {
  fired: 'Fired',
  reopened: 'Fired again',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  flapping: 'Started flapping',
  'flapping-ended': 'Stopped flapping',
  'condition-cleared': 'Condition cleared',
  'condition-returned': 'Condition returned',
  commented: 'Comment',
  'rule-updated': 'Rule changed',
};

const RESOLUTION_TEXT: Record<string, string> = {
  cleared: 'the condition cleared',
  operator: 'by an operator',
  'rule-deleted': 'its rule was deleted',
  'rule-disabled': 'its rule was disabled',
  'rule-changed': 'its rule changed',
};

/** One alert: what, where, how bad, since when, the readings behind it, its history, and what the operator can do. */
export function AlertDetail(props: { id: number; closeHref: string; onChanged: () => void }): JSX.Element {
  const detail = useResource(
    async (signal) => {
      const [alert, history] = await Promise.all([hubApi.alert(props.id, signal), hubApi.alertHistory(props.id, signal)]);
      return { alert, history };
    },
    [props.id],
    { refreshMs: 15_000, reloadOn: ['hello'] },
  );
  useLiveEvent(['alert'], (_type, data) => {
    if ((data as AlertFeedEvent).alert?.id === props.id) detail.reload();
  });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  if (detail.loading) return <Loading what="the alert" />;
  if (!detail.data) return <ErrorNotice error={detail.error ?? new Error('Alert not found')} onRetry={detail.reload} />;
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
        <Link href={props.closeHref} class="button button-ghost button-small" aria-label="Close the alert detail">
          Close
        </Link>
      </header>
      <h2 id="alert-title" ref={heading} tabIndex={-1}>
        {alert.ruleName} — {alert.deviceId}
      </h2>
      <p class="detail-summary">{alert.summary}</p>
      <dl class="detail-grid">
        <div>
          <dt>Device</dt>
          <dd>
            <Link href={`/devices/${encodeURIComponent(alert.deviceId)}`}>{alert.deviceId}</Link> ({humanize(alert.domain)}
            {alert.town ? `, ${alert.town}` : ''})
          </dd>
        </div>
        <div>
          <dt>Value now</dt>
          <dd data-field="value">
            {formatValue(alert.value, alert.unit)} <span class="muted">at <Time value={alert.valueAt} /></span>
          </dd>
        </div>
        <div>
          <dt>Peak</dt>
          <dd data-field="peak">{formatValue(alert.peak, alert.unit)}</dd>
        </div>
        <div>
          <dt>Since</dt>
          <dd data-field="since">
            <Time value={alert.startedAt} mode="full" />
          </dd>
        </div>
        <div>
          <dt>Metric</dt>
          <dd>
            {metricLabel(alert.metric)} ({alert.unit})
          </dd>
        </div>
        <div>
          <dt>Condition</dt>
          <dd>{alert.conditionActive ? 'still holds' : alert.conditionEndedAt ? <>cleared at <Time value={alert.conditionEndedAt} /></> : 'cleared'}</dd>
        </div>
        {alert.acknowledgedAt && (
          <div>
            <dt>Acknowledged</dt>
            <dd data-field="acknowledged">
              by {alert.acknowledgedBy}, <Time value={alert.acknowledgedAt} />
            </dd>
          </div>
        )}
        {alert.resolvedAt && (
          <div>
            <dt>Resolved</dt>
            <dd data-field="resolved">
              <Time value={alert.resolvedAt} />, {alert.resolution ? RESOLUTION_TEXT[alert.resolution] : ''}
              {alert.resolvedBy && alert.resolvedBy !== 'system' ? ` (${alert.resolvedBy})` : ''}
            </dd>
          </div>
        )}
      </dl>
      <RuleLine ruleId={alert.ruleId} unit={alert.unit} />
      <AlertReadings alert={alert} />
      <ActionForm alert={alert} onDone={refresh} />
      <h3 class="card-subtitle">History</h3>
      <ol class="history" aria-label="Alert history">
        {history.map((event) => (
          <li key={event.id} data-kind={event.kind}>
            <span class="history-kind">{EVENT_TEXT[event.kind]}</span> <span class="muted">by {event.actor === 'system' ? 'the hub' : event.actor}</span> ·{' '}
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
      Rule <Link href={`/rules/${encodeURIComponent(rule.data.id)}`}>{rule.data.name}</Link>: {describeCondition(rule.data.condition, props.unit)}, checked every{' '}
      {rule.data.evaluateEvery}.
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
  if (readings.loading) return <Loading what="readings" />;
  if (!readings.data) return readings.error ? <ErrorNotice error={readings.error} onRetry={readings.reload} compact /> : <></>;
  const series = readings.data.metrics[alert.metric];
  if (!series || series.points.length === 0) return <p class="muted">No {metricLabel(alert.metric).toLowerCase()} readings stored around this alert.</p>;
  return (
    <figure class="chart-figure" data-metric={alert.metric}>
      <figcaption>
        <span class="chart-title">
          {metricLabel(alert.metric)} <span class="muted">({alert.unit})</span>
        </span>
        <span class="chart-latest">averages per {Math.round(readings.data.everyMs / 1000)} s</span>
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
