import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AreaBoundaryFeature, MapSettingsView } from '@hub/api-types';
import { openAlertsByDevice } from '../alerts/alert-order';
import { useCatalogue } from '../api/catalogue';
import { hubApi } from '../api/hub-api';
import { hasRole, useMe } from '../auth/session';
import { Page } from '../components/page';
import { DomainFilter } from '../components/domain-filter';
import { ErrorNotice, Loading } from '../components/states';
import { deviceStatus } from '../fleet/device-status';
import { useNow } from '../hooks/use-now';
import { useResource } from '../hooks/use-resource';
import { t } from '../i18n/i18n';
import { areaChoices, areaName, inArea, type MapDevice, roundDegrees } from '../map/map-areas';
import { CountyMap, type MapMarker } from '../map/county-map';
import { MARKER_STATES, markerState } from '../map/marker-state';
import { navigate, useQueryParam } from '../router';
import { BoundariesPanel } from './map-boundaries-panel';

/**
 * The county on a map: every located device coloured by its state, clustered when zoomed out, over the areas'
 * outlines; filtered by domain and area. An admin places a device by clicking where it is (`?place=<id>`, also
 * reached from the device's page). Needs nothing from outside the hub unless a tile server is configured.
 */
export function MapView(): JSX.Element {
  const me = useMe();
  const settings = useResource((signal) => hubApi.mapSettings(signal), []);
  return (
    <Page title={t('map.title')} wide>
      {settings.loading && <Loading what={t('map.loading')} />}
      {settings.error && !settings.data && <ErrorNotice error={settings.error} onRetry={settings.reload} />}
      {settings.data && <CountyMapPage settings={settings.data} admin={hasRole(me, 'admin')} countyWide={me.towns.length === 0 && me.domains.length === 0} />}
    </Page>
  );
}

function CountyMapPage(props: { settings: MapSettingsView; admin: boolean; countyWide: boolean }): JSX.Element {
  const devices = useResource((signal) => hubApi.devices(signal), [], { refreshMs: 10_000, reloadOn: ['hello', 'device'] });
  const open = useResource((signal) => hubApi.alerts({ state: 'open', limit: 1000 }, signal), [], { refreshMs: 15_000, reloadOn: ['hello', 'alert'] });
  const boundaries = useResource((signal) => hubApi.areaBoundaries(signal), []);
  const { catalogue } = useCatalogue();
  const now = useNow(5_000);
  const [domain, setDomain] = useQueryParam('domain');
  const [area, setArea] = useQueryParam('area');
  const [placing, setPlacing] = useQueryParam('place');
  const [placed, setPlaced] = useState<{ ok: boolean; text: string } | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<CountyMap | null>(null);
  const fitted = useRef<string | null>(null);

  const all = (devices.data ?? []) as readonly MapDevice[];
  const features: readonly AreaBoundaryFeature[] = boundaries.data?.features ?? [];
  const inFilter = all.filter((device) => (domain === '' || device.domain === domain) && inArea(device, area));
  const markers = useMemo((): MapMarker[] => {
    const alerts = openAlertsByDevice(open.data?.items ?? []);
    return inFilter.flatMap((device) => {
      if (device.location === null) return [];
      const state = markerState(deviceStatus(device, now), alerts.get(device.deviceId)?.[0]?.severity);
      const title = t('map.markerTitle', { device: device.deviceId, state: t(`map.state.${state}`) });
      return [{ deviceId: device.deviceId, latitude: device.location.latitude, longitude: device.location.longitude, state, title }];
    });
  }, [devices.data, open.data, now, domain, area]);
  const unplaced = inFilter.length - markers.length;
  const domains = catalogue?.domains.map((entry) => entry.domain) ?? [...new Set(all.map((device) => device.domain))];
  const areas = areaChoices(all, features);

  useEffect(() => {
    if (container.current === null) return;
    const created = new CountyMap(container.current, {
      tileUrl: props.settings.tileUrl,
      tileAttribution: props.settings.tileAttribution,
      onDevice: (deviceId) => navigate(`/devices/${encodeURIComponent(deviceId)}`),
      clusterTitle: (count, state) => t('map.clusterTitle', { count, state: t(`map.state.${state}`) }),
      labels: { zoomIn: t('map.zoomIn'), zoomOut: t('map.zoomOut') },
    });
    map.current = created;
    return () => {
      created.destroy();
      map.current = null;
    };
  }, []);
  useEffect(() => map.current?.setBoundaries(features, areaName), [boundaries.data]);
  useEffect(() => map.current?.setMarkers(markers), [markers]);
  // Once everything has arrived, and again when the area filter changes: show the area (or the county).
  useEffect(() => {
    if (map.current === null || !devices.data || !boundaries.data || fitted.current === area) return;
    fitted.current = area;
    if (area === '') map.current.fitToView();
    else map.current.fitToView({ boundaries: features.filter((feature) => feature.properties.area === area || feature.properties.area.startsWith(`${area}/`)), markers });
  }, [devices.data, boundaries.data, area]);
  useEffect(() => {
    const device = placing;
    if (map.current === null || device === '' || !props.admin) {
      map.current?.place(null);
      return;
    }
    map.current.place((latitude, longitude) => {
      const position = { latitude: roundDegrees(latitude), longitude: roundDegrees(longitude) };
      hubApi.updateDevice(device, position).then(
        () => {
          setPlaced({ ok: true, text: t('map.place.saved', { device, latitude: position.latitude, longitude: position.longitude }) });
          setPlacing('');
          devices.reload();
        },
        (error: unknown) => setPlaced({ ok: false, text: t('map.place.failed', { device, message: error instanceof Error ? error.message : String(error) }) }),
      );
    });
  }, [placing, props.admin]);

  const counts = new Map(MARKER_STATES.map((state) => [state, markers.filter((marker) => marker.state === state).length]));
  return (
    <>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <DomainFilter value={domain} domains={domains} onChange={setDomain} data-map-domain />
        <label>
          {t('map.filter.area')}
          <select value={area} onChange={(event) => setArea(event.currentTarget.value)} data-map-area>
            <option value="">{t('map.filter.allAreas')}</option>
            {areas.map((path) => (
              <option value={path} key={path}>
                {path.includes('/') ? `\u2003${areaName(path)}` : path}
              </option>
            ))}
          </select>
        </label>
        {props.admin && (
          <label>
            {t('map.place.label')}
            <select value={placing} onChange={(event) => (setPlaced(null), setPlacing(event.currentTarget.value))} data-map-place>
              <option value="">{t('map.place.none')}</option>
              {inFilter.map((device) => (
                <option value={device.deviceId} key={device.deviceId}>
                  {device.location === null ? t('map.place.unplacedOption', { device: device.deviceId }) : device.deviceId}
                </option>
              ))}
            </select>
          </label>
        )}
      </form>
      <p class="map-summary muted" data-map-summary>
        {t('map.summary', { shown: markers.length, unplaced })}
        {props.settings.tileUrl === null && <> · {t('map.noBaseMap')}</>}
      </p>
      {placing !== '' && props.admin && (
        <div class="notice map-placing-notice" role="status" data-placing={placing}>
          {t('map.place.banner', { device: placing })}{' '}
          <button type="button" class="button button-small" onClick={() => setPlacing('')}>
            {t('map.place.cancel')}
          </button>
        </div>
      )}
      {placed && (
        <p class={placed.ok ? 'notice notice-ok' : 'notice notice-error'} role={placed.ok ? 'status' : 'alert'} data-placed={placed.ok ? 'ok' : 'failed'}>
          {placed.text}
        </p>
      )}
      {devices.error && !devices.data && <ErrorNotice error={devices.error} onRetry={devices.reload} compact />}
      <div class="map-layout">
        <div ref={container} class="county-map" role="application" aria-label={t('map.ariaLabel')} data-map />
        <ul class="map-legend" aria-label={t('map.legend')}>
          {MARKER_STATES.map((state) => (
            <li key={state} data-legend={state}>
              <span class={`map-legend-swatch map-state-${state}`} aria-hidden="true" /> {t(`map.state.${state}`)} <span class="muted">{counts.get(state)}</span>
            </li>
          ))}
        </ul>
      </div>
      {devices.data && markers.length === 0 && <p class="map-empty">{all.some((device) => device.location !== null) ? t('map.noMatch') : t('map.empty')}</p>}
      {props.admin && props.countyWide && (
        <BoundariesPanel boundaries={boundaries.data} maxBytes={props.settings.boundariesMaxBytes} onReplaced={boundaries.reload} onToggle={() => map.current?.resized()} />
      )}
    </>
  );
}
