import type { JSX } from 'preact';
import { ruleNameText } from '../format/condition';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { compareAlerts, SEVERITY_ORDER } from '../alerts/alert-order';
import { domainsOf, useCatalogue } from '../api/catalogue';
import { exportLinks } from '../api/export-links';
import { hubApi, type AlertQuery } from '../api/hub-api';
import type { AlertView } from '@hub/api-types';
import { AlertStateBadge, domainLabel, SeverityBadge, severityLabel, stateLabel } from '../components/alert-badges';
import { isTyping } from '../components/keyboard';
import { Page } from '../components/page';
import { Empty, ErrorNotice, Loading, StaleNotice } from '../components/states';
import { Time } from '../components/time';
import { formatValue, metricLabel } from '../format/values';
import { useResource } from '../hooks/use-resource';
import { t } from '../i18n/i18n';
import { Link, navigate, useLocation, useQueryParam } from '../router';
import { AlertDetail } from './alert-detail';

const STATES = ['firing', 'acknowledged', 'resolved'] as const;
type ListedState = (typeof STATES)[number];
const isListedState = (value: string): value is ListedState => (STATES as readonly string[]).includes(value);

/**
 * What is wrong now, across every domain: open alerts, most severe and newest first, updated live. Selecting one
 * shows it beside the list (below it on a tablet) with its readings, history and the operator's actions.
 */
export function InboxView(props: { selectedId?: number }): JSX.Element {
  const { catalogue } = useCatalogue();
  const { search } = useLocation();
  const [state, setState] = useQueryParam('state');
  const [severity, setSeverity] = useQueryParam('severity');
  const [domain, setDomain] = useQueryParam('domain');
  const [town, setTown] = useQueryParam('town');
  const [device, setDevice] = useQueryParam('device');
  const [rule, setRule] = useQueryParam('rule');
  const filter: AlertQuery = {
    rule: rule || undefined,
    state: state === '' ? 'open' : (state as AlertQuery['state']),
    severity: severity || undefined,
    domain: domain || undefined,
    town: town || undefined,
    device: device || undefined,
  };
  const alerts = useResource((signal) => hubApi.alerts(filter, signal), [filter], { refreshMs: 15_000, reloadOn: ['hello', 'alert'] });
  const items = useMemo(() => [...(alerts.data?.items ?? [])].sort(compareAlerts), [alerts.data]);
  const towns = useTowns(items, town);
  const listRef = useRef<HTMLOListElement>(null);
  const query = search.toString();
  const hrefOf = (id: number): string => `/alerts/${id}${query ? `?${query}` : ''}`;
  useListKeys(items, props.selectedId, hrefOf, listRef);
  const filtered = severity !== '' || domain !== '' || town !== '' || device !== '' || rule !== '';
  const firing = items.filter((alert) => alert.state === 'firing').length;

  return (
    <Page
      title={t('inbox.title')}
      wide
      actions={
        <a class="button button-ghost" href={exportLinks.alerts(filter)} download data-export="alerts" title={t('inbox.downloadHint')}>
          {t('export.downloadCsv')}
        </a>
      }
      subtitle={
        alerts.data &&
        (state === ''
          ? t('inbox.subtitle.open', { count: alerts.data.matching, firing })
          : isListedState(state)
            ? t(`inbox.subtitle.${state}`, { count: alerts.data.matching })
            : `${alerts.data.matching} `)
      }
    >
      <form class="filters" role="search" aria-label={t('inbox.filter.label')} onSubmit={(event) => event.preventDefault()}>
        <FilterSelect label={t('inbox.filter.state')} value={state} onChange={setState} options={[['', t('inbox.filter.open')], ...STATES.map((value): Option => [value, stateLabel(value)])]} />
        <FilterSelect
          label={t('inbox.filter.severity')}
          value={severity}
          onChange={setSeverity}
          options={[['', t('inbox.filter.anySeverity')], ...SEVERITY_ORDER.map((value): Option => [value, severityLabel(value)])]}
        />
        <FilterSelect
          label={t('inbox.filter.domain')}
          value={domain}
          onChange={setDomain}
          options={[['', t('inbox.filter.allDomains')], ...domainsOf(catalogue).map((value): Option => [value, domainLabel(value)])]}
        />
        <FilterSelect label={t('inbox.filter.town')} value={town} onChange={setTown} options={[['', t('inbox.filter.allTowns')], ...towns.map((value): Option => [value, value])]} />
        <label>
          {t('inbox.filter.device')}
          <input
            type="search"
            data-search
            value={device}
            placeholder={t('inbox.filter.devicePlaceholder')}
            pattern="[A-Za-z0-9_\-]{1,64}"
            onChange={(event) => setDevice(event.currentTarget.value.trim())}
          />
        </label>
        {rule && (
          <button type="button" class="chip chip-selected" onClick={() => setRule('')} aria-label={t('inbox.filter.ruleRemove', { rule })}>
            {t('inbox.filter.rule', { rule })}
          </button>
        )}
        {(filtered || state !== '') && (
          <Link class="button button-ghost" href="/alerts">
            {t('inbox.filter.clear')}
          </Link>
        )}
      </form>

      <div class={`inbox${props.selectedId !== undefined ? ' inbox-with-detail' : ''}`}>
        <section class="inbox-list" aria-label={t('inbox.list')}>
          <StaleNotice error={alerts.data ? alerts.error : undefined} updatedAt={alerts.updatedAt} onRetry={alerts.reload} />
          {alerts.loading && <Loading what={t('inbox.loading')} />}
          {!alerts.loading && !alerts.data && alerts.error && <ErrorNotice error={alerts.error} onRetry={alerts.reload} />}
          {alerts.data && items.length === 0 && (
            <Empty title={filtered ? t('inbox.empty.filtered') : state === '' ? t('inbox.empty.open') : t('inbox.empty.state')}>
              {state === '' && !filtered ? t('inbox.empty.quiet') : null}
            </Empty>
          )}
          {items.length > 0 && (
            <ol class="alert-list" ref={listRef}>
              {items.map((alert) => (
                <AlertListItem key={alert.id} alert={alert} href={hrefOf(alert.id)} selected={alert.id === props.selectedId} />
              ))}
            </ol>
          )}
          {alerts.data && alerts.data.matching > items.length && (
            <p class="muted">
              {t('inbox.truncated', { shown: items.length, count: alerts.data.matching })}
            </p>
          )}
        </section>
        {props.selectedId !== undefined && (
          <section class="inbox-detail" aria-label={t('inbox.selected')}>
            <AlertDetail id={props.selectedId} key={props.selectedId} closeHref={`/alerts${query ? `?${query}` : ''}`} onChanged={alerts.reload} />
          </section>
        )}
      </div>
    </Page>
  );
}

/** One alert of a list (the inbox, a town's page): severity, rule, state, device, domain and town, value, since when. */
export function AlertListItem(props: { alert: AlertView; href: string; selected: boolean }): JSX.Element {
  const { alert } = props;
  return (
    <li data-alert-id={alert.id} data-state={alert.state} data-severity={alert.severity} class={`alert-item alert-${alert.severity} alert-state-${alert.state}`}>
      <Link href={props.href} aria-current={props.selected ? 'page' : undefined} class="alert-link">
        <span class="alert-line">
          <SeverityBadge severity={alert.severity} />
          <span class="alert-rule">{ruleNameText(alert.ruleName)}</span>
          <AlertStateBadge alert={alert} />
        </span>
        <span class="alert-line alert-meta">
          <span class="alert-device">{alert.deviceId}</span>
          <span>
            {domainLabel(alert.domain)}
            {alert.town ? ` · ${alert.town}` : ''}
          </span>
          <span class="alert-value">
            {metricLabel(alert.metric)} {formatValue(alert.value, alert.unit)}
            {alert.peak !== alert.value && <span class="muted"> {t('inbox.peak', { value: formatValue(alert.peak, alert.unit) })}</span>}
          </span>
          <span class="alert-since">
            {t('inbox.since')} <Time value={alert.firedAt} mode="ago" />
          </span>
        </span>
      </Link>
    </li>
  );
}

/** Towns to filter by: those of the alerts seen (a town without an alert has nothing to filter). */
function useTowns(items: readonly AlertView[], selected: string): string[] {
  const seen = useRef(new Set<string>());
  for (const alert of items) if (alert.town) seen.current.add(alert.town);
  if (selected) seen.current.add(selected);
  return [...seen.current].sort((a, b) => a.localeCompare(b));
}

/** j / k: next / previous alert (opened beside the list); Escape closes the detail. */
function useListKeys(items: readonly AlertView[], selectedId: number | undefined, hrefOf: (id: number) => string, list: { current: HTMLOListElement | null }): void {
  const latest = useRef({ items, selectedId, hrefOf });
  latest.current = { items, selectedId, hrefOf };
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target) || document.querySelector('dialog[open]')) return;
      const { items: current, selectedId: selected, hrefOf: href } = latest.current;
      if (event.key === 'Escape' && selected !== undefined) {
        event.preventDefault();
        navigate(href(selected).replace(/^\/alerts\/\d+/, '/alerts'));
        return;
      }
      if (event.key !== 'j' && event.key !== 'k') return;
      if (current.length === 0) return;
      event.preventDefault();
      const index = current.findIndex((alert) => alert.id === selected);
      const next = index === -1 ? 0 : Math.min(Math.max(index + (event.key === 'j' ? 1 : -1), 0), current.length - 1);
      // The detail opens beside the list and takes focus (its heading), so a screen reader reads the new alert.
      navigate(href(current[next].id), { replace: selected !== undefined });
      list.current?.querySelector(`[data-alert-id="${current[next].id}"]`)?.scrollIntoView({ block: 'nearest' });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [list]);
}

type Option = readonly [value: string, label: string];

/** One labelled filter drop-down; the empty value means "no filter". */
function FilterSelect(props: { label: string; value: string; onChange: (value: string) => void; options: readonly Option[] }): JSX.Element {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)}>
        {props.options.map(([value, label]) => (
          <option value={value} key={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
