import type { JSX } from 'preact';
import { useEffect, useMemo } from 'preact/hooks';
import type { AreaSummary, FleetDevice, TownOverview } from '@hub/api-types';
import { compareAlerts } from '../alerts/alert-order';
import { hubApi } from '../api/hub-api';
import { domainLabel } from '../components/alert-badges';
import { DeviceCounts, DomainLights, OpenAlertCounts } from '../components/area-summary';
import { DeviceStatusBadge } from '../components/badges';
import { Page } from '../components/page';
import { Empty, ErrorNotice, Loading, StaleNotice } from '../components/states';
import { Time } from '../components/time';
import { compareDevices, deviceStatus } from '../fleet/device-status';
import { formatCount } from '../format/values';
import { useNow } from '../hooks/use-now';
import { useResource } from '../hooks/use-resource';
import { t } from '../i18n/i18n';
import { areaName, townHref, villageOf, worstLight } from '../overview/area-tiles';
import { Link, useQueryParam } from '../router';
import { AlertListItem } from './inbox-view';
import { OVERVIEW_REFRESH } from './overview-view';
import { TownRollup } from './town-rollup';

/**
 * One town, from the overview down: each domain's light, the same counts per village, the town's open alerts (as the
 * inbox lists them) and its devices, each a link to its page. Live like the overview.
 */
export function TownView(props: { town: string }): JSX.Element {
  const { town } = props;
  const overview = useResource((signal) => hubApi.overview(signal), [], OVERVIEW_REFRESH);
  const summary = overview.data?.towns.find((entry) => entry.area === town);
  return (
    <Page
      title={town}
      subtitle={summary && <TownSubtitle summary={summary} />}
      actions={
        <Link href="/overview" class="button button-ghost">
          {t('town.back')}
        </Link>
      }
      wall
    >
      <StaleNotice error={overview.data ? overview.error : undefined} updatedAt={overview.updatedAt} onRetry={overview.reload} />
      {overview.loading && <Loading what={t('town.loading')} />}
      {!overview.loading && !overview.data && overview.error && <ErrorNotice error={overview.error} onRetry={overview.reload} />}
      {overview.data && summary === undefined && <Empty title={t('town.notFound', { town })}>{t('town.notFoundHint')}</Empty>}
      {summary && <TownDetail town={town} summary={summary} />}
    </Page>
  );
}

function TownSubtitle(props: { summary: TownOverview }): JSX.Element {
  const { devices } = props.summary;
  return (
    <>
      {t('fleet.deviceCount', { count: devices.total })} · <span class={devices.offline > 0 ? 'text-critical' : ''}>{t('fleet.offlineCount', { count: devices.offline })}</span> ·{' '}
      <span class={devices.quiet > 0 ? 'text-warning' : ''}>{t('fleet.quietCount', { count: devices.quiet })}</span>
    </>
  );
}

function TownDetail(props: { town: string; summary: TownOverview }): JSX.Element {
  const { town, summary } = props;
  const domainsKey = summary.domains.filter((domain) => domain.devices > 0).map((domain) => domain.domain).join(',');
  const reportingDomains = useMemo(() => (domainsKey === '' ? [] : domainsKey.split(',')), [domainsKey]);
  return (
    <>
      <section class="card" aria-labelledby="town-domains">
        <h2 id="town-domains" class="card-title">
          {t('town.domains')}
        </h2>
        <ul class="area-domains">
          {summary.domains.map((domain) => (
            <li key={domain.domain} class={`area-domain light-${domain.light}`} data-domain={domain.domain} data-light={domain.light}>
              <DomainLights domains={[domain]} large />
              <span class="area-domain-caption">{t('town.domainCaption', { devices: domain.devices, alerts: domain.openAlerts })}</span>
            </li>
          ))}
        </ul>
      </section>
      {summary.villages.length > 0 && <VillageTable villages={summary.villages} />}
      <TownAlerts town={town} />
      <TownRollup town={town} domains={reportingDomains} />
      <TownDevices town={town} />
    </>
  );
}

/** The overview's figures once more, a row per village (and one for the town outside its villages). */
function VillageTable(props: { villages: readonly AreaSummary[] }): JSX.Element {
  return (
    <section class="card" aria-labelledby="town-villages">
      <h2 id="town-villages" class="card-title">
        {t('town.villages')}
      </h2>
      <div class="table-scroll">
        <table class="table village-table">
          <thead>
            <tr>
              <th scope="col">{t('town.col.village')}</th>
              <th scope="col">{t('town.col.devices')}</th>
              <th scope="col">{t('town.col.openAlerts')}</th>
              <th scope="col">{t('town.col.domains')}</th>
            </tr>
          </thead>
          <tbody>
            {props.villages.map((village) => (
              <tr key={village.area ?? ''} data-village={village.area ?? ''} data-light={worstLight(village)} class={`village-row area-row-${worstLight(village)}`}>
                <th scope="row">
                  {village.area === null ? (
                    <span class="muted">{t('town.noVillage')}</span>
                  ) : (
                    <Link href={`${townHref(village.area.slice(0, village.area.lastIndexOf('/')))}?village=${encodeURIComponent(areaName(village.area))}`} title={t('town.villageDevices', { village: areaName(village.area) })}>
                      {areaName(village.area)}
                    </Link>
                  )}
                </th>
                <td>
                  <DeviceCounts devices={village.devices} />
                </td>
                <td>
                  <OpenAlertCounts counts={village.openAlerts} />
                </td>
                <td>
                  <DomainLights domains={village.domains} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function TownAlerts(props: { town: string }): JSX.Element {
  const alerts = useResource((signal) => hubApi.alerts({ state: 'open', town: props.town, limit: 1000 }, signal), [props.town], { refreshMs: 15_000, reloadOn: ['hello', 'alert'] });
  const items = useMemo(() => [...(alerts.data?.items ?? [])].sort(compareAlerts), [alerts.data]);
  return (
    <section class="card" aria-labelledby="town-alerts">
      <h2 id="town-alerts" class="card-title">
        {t('town.alerts')} {alerts.data && <span class="muted">({formatCount(alerts.data.matching)})</span>}
      </h2>
      <StaleNotice error={alerts.data ? alerts.error : undefined} updatedAt={alerts.updatedAt} onRetry={alerts.reload} />
      {alerts.loading && <Loading what={t('inbox.loading')} />}
      {!alerts.loading && !alerts.data && alerts.error && <ErrorNotice error={alerts.error} onRetry={alerts.reload} compact />}
      {alerts.data && items.length === 0 && <p class="muted">{t('town.noAlerts', { town: props.town })}</p>}
      {items.length > 0 && (
        <ol class="alert-list">
          {items.map((alert) => (
            <AlertListItem key={alert.id} alert={alert} href={`/alerts/${alert.id}`} selected={false} />
          ))}
        </ol>
      )}
      <Link href={`/alerts?town=${encodeURIComponent(props.town)}`}>{t('town.allAlerts', { town: props.town })}</Link>
    </section>
  );
}

/** The town's devices; `?village=` (a village row's link) narrows them to one village, a click from a device. */
function TownDevices(props: { town: string }): JSX.Element {
  const devices = useResource((signal) => hubApi.devicesOfTown(props.town, signal), [props.town], { refreshMs: 10_000, reloadOn: ['hello', 'device'] });
  const [village, setVillage] = useQueryParam('village');
  const now = useNow(5_000);
  // A village row's link narrows the list below: bring it into view.
  useEffect(() => {
    if (village !== '') document.getElementById('town-devices')?.scrollIntoView({ block: 'start' });
  }, [village]);
  const rows = useMemo(
    () =>
      (devices.data ?? [])
        .map((device: FleetDevice) => ({ device, status: deviceStatus(device, now), openAlerts: 0, village: villageOf(device) }))
        .filter((row) => village === '' || row.village === village)
        .sort((a, b) => (a.village ?? '\uffff').localeCompare(b.village ?? '\uffff') || compareDevices(a, b)),
    [devices.data, now, village],
  );
  return (
    <section class="card" aria-labelledby="town-devices">
      <h2 id="town-devices" class="card-title">
        {village === '' ? t('town.devices') : t('town.villageDevices', { village })} {devices.data && <span class="muted">({formatCount(rows.length)})</span>}
      </h2>
      {village !== '' && (
        <p class="muted" data-village-filter={village}>
          {t('town.villageOnly', { village })}{' '}
          <button type="button" class="button button-ghost button-small" onClick={() => setVillage('')}>
            {t('town.allVillages')}
          </button>
        </p>
      )}
      <StaleNotice error={devices.data ? devices.error : undefined} updatedAt={devices.updatedAt} onRetry={devices.reload} />
      {devices.loading && <Loading what={t('fleet.loading')} />}
      {!devices.loading && !devices.data && devices.error && <ErrorNotice error={devices.error} onRetry={devices.reload} compact />}
      {devices.data && rows.length === 0 && <p class="muted">{t('town.noDevices')}</p>}
      {rows.length > 0 && (
        <div class="table-scroll">
          <table class="table town-devices">
            <thead>
              <tr>
                <th scope="col">{t('fleet.col.device')}</th>
                <th scope="col">{t('town.col.domain')}</th>
                <th scope="col">{t('town.col.village')}</th>
                <th scope="col">{t('fleet.col.status')}</th>
                <th scope="col">{t('fleet.col.lastSeen')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.device.deviceId} data-device={row.device.deviceId} class={`row-${row.status}`}>
                  <th scope="row">
                    <Link href={`/devices/${encodeURIComponent(row.device.deviceId)}`}>{row.device.deviceId}</Link>
                  </th>
                  <td>{domainLabel(row.device.domain)}</td>
                  <td>{row.village ?? <span class="muted">{t('town.noVillage')}</span>}</td>
                  <td>
                    <DeviceStatusBadge status={row.status} />
                  </td>
                  <td>
                    <Time value={row.device.lastSeen} mode="ago" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
