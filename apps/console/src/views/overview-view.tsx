import type { JSX } from 'preact';
import type { AreaOverviewView, TownOverview } from '@hub/api-types';
import { DeviceCounts, DomainLights, OpenAlertCounts } from '../components/area-summary';
import { Page } from '../components/page';
import { Empty, ErrorNotice, Loading, StaleNotice } from '../components/states';
import { hubApi } from '../api/hub-api';
import { useResource } from '../hooks/use-resource';
import { t } from '../i18n/i18n';
import { townHref, worstLight } from '../overview/area-tiles';
import { Link } from '../router';

/**
 * Live over the event stream: an alert raised, acknowledged or resolved, or a device dropping off, reloads the one
 * summary call; the timer catches devices turning quiet, which no event announces.
 */
export const OVERVIEW_REFRESH = { refreshMs: 30_000, reloadOn: ['hello', 'alert', 'device'] } as const;

/**
 * The command room's first screen: one tile per town the operator may see, with its devices reporting, offline and
 * quiet, its open alerts by severity and each domain's light. Made for a wall display as much as a laptop: the tiles
 * fill the width in as many columns as fit, their figures large enough to read across a room.
 */
export function OverviewView(): JSX.Element {
  const overview = useResource((signal) => hubApi.overview(signal), [], OVERVIEW_REFRESH);
  const towns = overview.data?.towns ?? [];
  return (
    <Page title={t('overview.title')} subtitle={overview.data && <OverviewSubtitle overview={overview.data} />} wall>
      <StaleNotice error={overview.data ? overview.error : undefined} updatedAt={overview.updatedAt} onRetry={overview.reload} />
      {overview.loading && <Loading what={t('overview.loading')} />}
      {!overview.loading && !overview.data && overview.error && <ErrorNotice error={overview.error} onRetry={overview.reload} />}
      {overview.data && towns.length === 0 && <Empty title={t('overview.empty')}>{t('overview.emptyHint')}</Empty>}
      {towns.length > 0 && (
        <ul class="area-tiles" aria-label={t('overview.towns')}>
          {towns.map((town) => (
            <li key={town.area ?? ''} data-area={town.area ?? ''} data-light={worstLight(town)}>
              <TownTile town={town} />
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

function OverviewSubtitle(props: { overview: AreaOverviewView }): JSX.Element {
  const towns = props.overview.towns.filter((town) => town.area !== null).length;
  const total = (pick: (town: TownOverview) => number): number => props.overview.towns.reduce((sum, town) => sum + pick(town), 0);
  const open = total((town) => town.openAlerts.critical + town.openAlerts.warning + town.openAlerts.info);
  return (
    <span data-overview-totals>
      {t('overview.subtitle', { towns, devices: total((town) => town.devices.total), offline: total((town) => town.devices.offline), alerts: open })}
    </span>
  );
}

function TownTile(props: { town: TownOverview }): JSX.Element {
  const { town } = props;
  const body = (
    <>
      <span class="area-tile-head">
        <span class="area-tile-name">{town.area ?? t('overview.noTown')}</span>
        <span class="area-tile-total">{t('overview.deviceTotal', { count: town.devices.total })}</span>
      </span>
      <DeviceCounts devices={town.devices} />
      <OpenAlertCounts counts={town.openAlerts} />
      <DomainLights domains={town.domains} />
    </>
  );
  const tone = `area-tile area-tile-${worstLight(town)}`;
  // Devices without a town have no town page: their tile is a count, not a link.
  return town.area === null ? (
    <div class={tone}>{body}</div>
  ) : (
    <Link href={townHref(town.area)} class={tone}>
      {body}
    </Link>
  );
}
