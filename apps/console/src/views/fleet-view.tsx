import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { openAlertsByDevice } from '../alerts/alert-order';
import { metricOf, useCatalogue } from '../api/catalogue';
import { hubApi } from '../api/hub-api';
import type { AlertView, Catalogue, FleetDevice } from '@hub/api-types';
import { SeverityBadge } from '../components/alert-badges';
import { DeviceStatusBadge } from '../components/badges';
import { DomainFilter } from '../components/domain-filter';
import { Page } from '../components/page';
import { Empty, ErrorNotice, Loading, StaleNotice } from '../components/states';
import { Time } from '../components/time';
import { compareDevices, deviceStatus, DeviceStatus, QUIET_AFTER_MS } from '../fleet/device-status';
import { formatDuration } from '../format/time';
import { bandOf, domainLabel, formatValue, metricLabel } from '../format/values';
import { useNow } from '../hooks/use-now';
import { useResource } from '../hooks/use-resource';
import { t, type MessageId } from '../i18n/i18n';
import { Link, useQueryParam } from '../router';

interface FleetRow {
  readonly device: FleetDevice;
  readonly status: DeviceStatus;
  readonly openAlerts: number;
  /** Open alerts, worst first. */
  readonly alerts: readonly AlertView[];
}

const STATUS_FILTERS: readonly (readonly [string, MessageId])[] = [
  ['', 'fleet.filter.all'],
  ['problems', 'fleet.filter.problems'],
  ['offline', 'fleet.filter.offline'],
  ['alerting', 'fleet.filter.alerting'],
  ['online', 'fleet.filter.online'],
];

/** Every device the hub has seen, by domain: problems first, so a silent meter cannot hide among healthy ones. */
export function FleetView(): JSX.Element {
  const devices = useResource((signal) => hubApi.devices(signal), [], { refreshMs: 10_000, reloadOn: ['hello', 'device'] });
  const open = useResource((signal) => hubApi.alerts({ state: 'open', limit: 1000 }, signal), [], { refreshMs: 15_000, reloadOn: ['hello', 'alert'] });
  const { catalogue } = useCatalogue();
  const now = useNow(5_000);
  const [domain, setDomain] = useQueryParam('domain');
  const [status, setStatus] = useQueryParam('status');
  const [search, setSearch] = useQueryParam('q');
  // A gateway's id: that gateway and the devices it publishes for; `gateways`: gateways only; `children`: devices behind one.
  const [gateway, setGateway] = useQueryParam('gateway');

  const rows = useMemo(() => {
    const alertsByDevice = openAlertsByDevice(open.data?.items ?? []);
    return (devices.data ?? []).map((device): FleetRow => {
      const alerts = alertsByDevice.get(device.deviceId) ?? [];
      return { device, status: deviceStatus(device, now), openAlerts: alerts.length, alerts };
    });
  }, [devices.data, open.data, now]);
  const domains = catalogue?.domains.map((entry) => entry.domain) ?? [...new Set(rows.map((row) => row.device.domain))];
  const visible = rows
    .filter((row) => domain === '' || row.device.domain === domain)
    .filter((row) => status === '' || (status === 'problems' ? row.status !== 'online' : status === 'alerting' ? row.openAlerts > 0 : row.status === status))
    .filter((row) => search === '' || row.device.deviceId.toLowerCase().includes(search.toLowerCase()))
    .filter((row) => matchesGateway(row.device, gateway))
    .sort(compareDevices);
  const gatewayIds = rows.filter((row) => row.device.kind === 'gateway').map((row) => row.device.deviceId);
  const offline = rows.filter((row) => row.status === 'offline').length;
  const quiet = rows.filter((row) => row.status === 'quiet').length;

  return (
    <Page
      title={t('fleet.title')}
      subtitle={
        devices.data && (
          <>
            {t('fleet.deviceCount', { count: rows.length })} · <span class={offline > 0 ? 'text-critical' : ''}>{t('fleet.offlineCount', { count: offline })}</span> ·{' '}
            <span class={quiet > 0 ? 'text-warning' : ''}>{t('fleet.quietCount', { count: quiet })}</span>
          </>
        )
      }
    >
      <ul class="tiles" aria-label={t('fleet.byDomain')}>
        {domains.map((name) => {
          const ofDomain = rows.filter((row) => row.device.domain === name);
          const down = ofDomain.filter((row) => row.status !== 'online').length;
          return (
            <li key={name}>
            <button
              type="button"
              class={`tile${domain === name ? ' tile-selected' : ''}${down > 0 ? ' tile-problem' : ''}`}
              aria-pressed={domain === name}
              onClick={() => setDomain(domain === name ? '' : name)}
            >
              <span class="tile-title">{domainLabel(name)}</span>
              <span class="tile-value">
                {ofDomain.length - down}/{ofDomain.length}
              </span>
              <span class="tile-caption">{down > 0 ? t('fleet.tileDown', { count: down }) : t('fleet.tileAllReporting')}</span>
            </button>
            </li>
          );
        })}
      </ul>

      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t('fleet.filter.device')}
          <input type="search" data-search value={search} placeholder={t('fleet.filter.devicePlaceholder')} onInput={(event) => setSearch(event.currentTarget.value)} />
        </label>
        <DomainFilter value={domain} domains={domains} onChange={setDomain} />
        {gatewayIds.length > 0 && (
          <label>
            {t('fleet.filter.gateway')}
            <select value={gateway} onChange={(event) => setGateway(event.currentTarget.value)} data-gateway-filter>
              <option value="">{t('fleet.filter.gatewayAny')}</option>
              <option value="gateways">{t('fleet.filter.gatewaysOnly')}</option>
              <option value="children">{t('fleet.filter.behindGateway')}</option>
              {gatewayIds.map((id) => (
                <option value={id} key={id}>
                  {t('fleet.filter.gatewayAndDevices', { id })}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('fleet.filter.status')}
          <select value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
            {STATUS_FILTERS.map(([value, label]) => (
              <option value={value} key={value}>
                {t(label)}
              </option>
            ))}
          </select>
        </label>
      </form>

      <StaleNotice error={devices.data ? devices.error : undefined} updatedAt={devices.updatedAt} onRetry={devices.reload} />
      {devices.loading && <Loading what={t('fleet.loading')} />}
      {!devices.loading && !devices.data && devices.error && <ErrorNotice error={devices.error} onRetry={devices.reload} />}
      {devices.data && rows.length === 0 && (
        <Empty title={t('fleet.empty')}>{t('fleet.emptyHint')}</Empty>
      )}
      {devices.data && rows.length > 0 && visible.length === 0 && <Empty title={t('fleet.noMatch')} />}
      {domains
        .filter((name) => visible.some((row) => row.device.domain === name))
        .map((name) => (
          <DomainTable key={name} domain={name} rows={visible.filter((row) => row.device.domain === name)} catalogue={catalogue} now={now} />
        ))}
    </Page>
  );
}

function DomainTable(props: { domain: string; rows: readonly FleetRow[]; catalogue: Catalogue | undefined; now: number }): JSX.Element {
  return (
    <section class="card" aria-labelledby={`domain-${props.domain}`}>
      <h2 id={`domain-${props.domain}`} class="card-title">
        {domainLabel(props.domain)} <span class="muted">({props.rows.length})</span>
      </h2>
      <div class="table-scroll">
        <table class="table fleet-table" data-domain={props.domain}>
          <thead>
            <tr>
              <th scope="col">{t('fleet.col.device')}</th>
              <th scope="col">{t('fleet.col.status')}</th>
              <th scope="col">{t('fleet.col.gateway')}</th>
              <th scope="col">{t('fleet.col.lastSeen')}</th>
              <th scope="col">{t('fleet.col.openAlerts')}</th>
              <th scope="col" class="col-optional">
                {t('fleet.col.lastValues')}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={row.device.deviceId} class={`row-${row.status}${row.alerts.some((alert) => alert.conditionType === 'stuck') ? ' row-stuck' : ''}`} data-device={row.device.deviceId}>
                <th scope="row">
                  <Link href={`/devices/${encodeURIComponent(row.device.deviceId)}`}>{row.device.deviceId}</Link>
                </th>
                <td>
                  <DeviceStatusBadge status={row.status} detail={statusDetail(row, props.now)} />
                  <ConditionBadges alerts={row.alerts} />
                </td>
                <td data-gateway={row.device.gatewayId ?? ''}>
                  <GatewayCell device={row.device} />
                </td>
                <td>
                  <Time value={row.device.lastSeen} mode="ago" />
                </td>
                <td data-open-alerts={row.openAlerts}>
                  {row.openAlerts === 0 ? (
                    <span class="muted">{t('fleet.noOpenAlerts')}</span>
                  ) : (
                    <Link href={`/alerts?device=${encodeURIComponent(row.device.deviceId)}`} class="alert-count" aria-label={t('fleet.openAlertsOf', { count: row.openAlerts, device: row.device.deviceId })}>
                      <SeverityBadge severity={row.alerts[0].severity} /> {row.openAlerts}
                    </Link>
                  )}
                </td>
                <td class="col-optional">
                  <LastValues device={row.device} catalogue={props.catalogue} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The `gateway` filter of the fleet: a gateway's id, `gateways`, `children`, or empty for every device. */
export function matchesGateway(device: FleetDevice, filter: string): boolean {
  if (filter === '') return true;
  if (filter === 'gateways') return device.kind === 'gateway';
  if (filter === 'children') return device.gatewayId !== null;
  return device.deviceId === filter || device.gatewayId === filter;
}

/** A child links to its gateway; a gateway says how many devices it speaks for and lists them. */
function GatewayCell(props: { device: FleetDevice }): JSX.Element {
  const { device } = props;
  if (device.kind === 'gateway') {
    return (
      <Link href={`/fleet?gateway=${encodeURIComponent(device.deviceId)}`} class="badge" title={t('fleet.gatewayTitle')}>
        {t('fleet.gatewayBadge', { count: device.childCount ?? 0 })}
      </Link>
    );
  }
  if (device.gatewayId !== null) return <Link href={`/devices/${encodeURIComponent(device.gatewayId)}`}>{t('fleet.via', { gateway: device.gatewayId })}</Link>;
  return <span class="muted">—</span>;
}

/** A no-data or stuck rule's open alert says more than presence does: the device is connected but not measuring. */
function ConditionBadges(props: { alerts: readonly AlertView[] }): JSX.Element | null {
  const silent = props.alerts.some((alert) => alert.conditionType === 'no-data');
  const stuck = props.alerts.some((alert) => alert.conditionType === 'stuck');
  if (!silent && !stuck) return null;
  return (
    <>
      {silent && (
        <span class="badge badge-silent" data-condition="silent" title={t('fleet.silentTitle')}>
          {t('fleet.silent')}
        </span>
      )}
      {stuck && (
        <span class="badge badge-stuck" data-condition="stuck" title={t('fleet.stuckTitle')}>
          {t('fleet.stuck')}
        </span>
      )}
    </>
  );
}

function statusDetail(row: FleetRow, now: number): string {
  if (row.status === 'offline') return row.device.statusChangedAt === null ? t('fleet.neverConnected') : t('fleet.offlineFor', { duration: formatDuration(now - row.device.statusChangedAt) });
  if (row.status === 'quiet') return t('fleet.quietFor', { duration: formatDuration(QUIET_AFTER_MS) });
  return t('fleet.reporting');
}

/** The newest value of each metric; a value outside the typical band is marked, so the eye finds it in a long list. */
export function LastValues(props: { device: FleetDevice; catalogue: Catalogue | undefined; limit?: number }): JSX.Element {
  const entries = Object.entries(props.device.lastValues).slice(0, props.limit ?? 4);
  if (entries.length === 0) return <span class="muted">{t('fleet.noReadings')}</span>;
  return (
    <ul class="values">
      {entries.map(([metric, value]) => {
        const spec = metricOf(props.catalogue, props.device.domain, metric);
        const band = spec ? bandOf(value, spec.typical) : 'normal';
        return (
          <li key={metric} class={`value value-${band}`} title={spec ? t('fleet.valueTitle', { description: spec.description, low: spec.typical[0], high: spec.typical[1], unit: spec.unit }) : metric}>
            <span class="value-name">{metricLabel(metric)}</span> <span class="value-number">{formatValue(value, spec?.unit ?? '')}</span>
            {band !== 'normal' && <span class="visually-hidden"> {band === 'high' ? t('fleet.aboveTypical') : t('fleet.belowTypical')}</span>}
          </li>
        );
      })}
    </ul>
  );
}
