import L from 'leaflet';
// Sets L.MarkerClusterGroup on the Leaflet object imported above (a UMD script reading the global L that Leaflet sets).
import 'leaflet.markercluster';
// Bundled by Vite with the console: nothing is fetched from a CDN.
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import './county-map.css';
import type { AreaBoundaryFeature } from '@hub/api-types';
import { type MarkerState, worstMarkerState } from './marker-state';

/**
 * The console's map, kept at arm's length from the views: Leaflet 1.9 with markercluster. Leaflet draws with the DOM
 * and SVG, no WebGL, so it runs on a county office's old PC and in headless Chromium alike. Nothing on it comes from
 * outside the hub: markers are styled divs (never Leaflet's default marker images), boundaries are SVG, and a tile
 * layer is added only when the hub is configured with one (HUB_MAP_TILE_URL).
 */
export interface MapMarker {
  readonly deviceId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly state: MarkerState;
  /** The marker's title: the device and its state, in the console's language. */
  readonly title: string;
}

export interface CountyMapOptions {
  readonly tileUrl: string | null;
  readonly tileAttribution: string;
  readonly onDevice: (deviceId: string) => void;
  /** The words in a cluster's title ("12 devices, worst: critical"). */
  readonly clusterTitle: (count: number, state: MarkerState) => string;
  readonly labels: { readonly zoomIn: string; readonly zoomOut: string };
}

interface Placed {
  readonly marker: L.Marker;
  state: MarkerState;
  title: string;
}

const LABEL_PANE = 'areaLabels';

/** A marker's state, kept on the marker for its cluster's colour. */
const STATE = Symbol('state');
type StatefulMarker = L.Marker & { [STATE]?: MarkerState };

export class CountyMap {
  private readonly map: L.Map;
  private readonly boundaries = L.featureGroup();
  private readonly clusters: L.MarkerClusterGroup;
  private readonly placed = new Map<string, Placed>();
  private placing: ((latitude: number, longitude: number) => void) | null = null;

  constructor(
    private readonly element: HTMLElement,
    private readonly options: CountyMapOptions,
  ) {
    this.map = L.map(element, { zoomControl: false, minZoom: 2, maxZoom: 19 });
    L.control.zoom({ zoomInTitle: options.labels.zoomIn, zoomOutTitle: options.labels.zoomOut }).addTo(this.map);
    if (options.tileUrl !== null) L.tileLayer(options.tileUrl, { attribution: escapeHtml(options.tileAttribution), maxZoom: 19 }).addTo(this.map);
    // Area names under the markers (Leaflet's tooltip pane is above them): a label must not hide a device.
    this.map.createPane(LABEL_PANE).style.zIndex = '450';
    this.boundaries.addTo(this.map);
    this.clusters = L.markerClusterGroup({
      maxClusterRadius: 40,
      showCoverageOnHover: false,
      // The count and the worst state are in the icon itself: markercluster redraws it whenever its devices change.
      iconCreateFunction: (cluster) => {
        const state = worstMarkerState(cluster.getAllChildMarkers().map((marker) => (marker as StatefulMarker)[STATE] ?? 'ok'));
        const count = cluster.getChildCount();
        const title = escapeHtml(options.clusterTitle(count, state));
        return L.divIcon({ className: `map-cluster map-state-${state}`, html: `<span data-count="${count}" data-state="${state}" title="${title}">${count}</span>`, iconSize: [34, 34] });
      },
    });
    this.clusters.addTo(this.map);
    this.map.on('click', (event: L.LeafletMouseEvent) => this.placing?.(event.latlng.lat, event.latlng.lng));
    this.map.on('zoomend moveend', () => this.describeView());
  }

  /** The outlines, each named inside; a town's villages are drawn over it. */
  setBoundaries(features: readonly AreaBoundaryFeature[], nameOf: (area: string) => string): void {
    this.boundaries.clearLayers();
    for (const feature of features) {
      const area = feature.properties.area;
      const level = area === '' ? 'county' : area.includes('/') ? 'village' : 'town';
      const layer = L.geoJSON(feature as GeoJSON.Feature, { interactive: false, style: { className: `map-boundary map-boundary-${level}`, weight: level === 'village' ? 1 : 2, fillOpacity: 0.06 } });
      if (level !== 'county') {
        const label = document.createElement('span');
        label.textContent = nameOf(area);
        layer.bindTooltip(label, { permanent: true, direction: 'center', className: `map-area-label map-area-label-${level}`, interactive: false, pane: LABEL_PANE });
      }
      layer.addTo(this.boundaries);
      layer.eachLayer((path) => (path as L.Path).getElement()?.setAttribute('data-area', area));
    }
  }

  /** Adds, moves, recolours and removes markers to match `markers`, keeping the ones that did not change. */
  setMarkers(markers: readonly MapMarker[]): void {
    const wanted = new Map(markers.map((marker) => [marker.deviceId, marker]));
    const removed: L.Marker[] = [];
    for (const [deviceId, placed] of this.placed) {
      const next = wanted.get(deviceId);
      const at = placed.marker.getLatLng();
      if (next === undefined || next.latitude !== at.lat || next.longitude !== at.lng) {
        removed.push(placed.marker);
        this.placed.delete(deviceId);
      }
    }
    this.clusters.removeLayers(removed);
    const added: L.Marker[] = [];
    const changed: L.Marker[] = [];
    for (const marker of markers) {
      const placed = this.placed.get(marker.deviceId);
      if (placed === undefined) {
        const created = this.createMarker(marker);
        this.placed.set(marker.deviceId, { marker: created, state: marker.state, title: marker.title });
        added.push(created);
      } else if (placed.state !== marker.state || placed.title !== marker.title) {
        (placed.marker as StatefulMarker)[STATE] = marker.state;
        placed.marker.options.title = marker.title;
        placed.marker.setIcon(markerIcon(marker.state));
        stamp(placed.marker, marker);
        placed.state = marker.state;
        placed.title = marker.title;
        changed.push(placed.marker);
      }
    }
    this.clusters.addLayers(added);
    if (changed.length > 0) this.clusters.refreshClusters(changed);
  }

  /** Shows everything drawn (or only `area`'s outline and markers, when given); the county view when there is nothing. */
  fitToView(only?: { boundaries: readonly AreaBoundaryFeature[]; markers: readonly MapMarker[] }): void {
    const bounds = L.latLngBounds([]);
    if (only === undefined) {
      if (this.boundaries.getLayers().length > 0) bounds.extend(this.boundaries.getBounds());
      for (const placed of this.placed.values()) bounds.extend(placed.marker.getLatLng());
    } else {
      for (const feature of only.boundaries) bounds.extend(L.geoJSON(feature as GeoJSON.Feature).getBounds());
      for (const marker of only.markers) bounds.extend([marker.latitude, marker.longitude]);
    }
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [32, 32], maxZoom: 16, animate: false });
    else this.map.setView([0, 0], 2, { animate: false });
  }

  /** Placement mode: the next clicks on the map go to `onPlace` (null ends it). */
  place(onPlace: ((latitude: number, longitude: number) => void) | null): void {
    this.placing = onPlace;
    this.element.classList.toggle('map-placing', onPlace !== null);
  }

  /** Leaflet measures its container when created; a layout change (a panel opening) needs telling. */
  resized(): void {
    this.map.invalidateSize();
  }

  destroy(): void {
    this.map.remove();
  }

  private createMarker(marker: MapMarker): L.Marker {
    const created: StatefulMarker = L.marker([marker.latitude, marker.longitude], { icon: markerIcon(marker.state), title: marker.title, keyboard: true, riseOnHover: true });
    created[STATE] = marker.state;
    created.on('click', () => (this.placing === null ? this.options.onDevice(marker.deviceId) : undefined));
    // A marker in a cluster has no element; it gets a new one each time it is drawn on its own.
    created.on('add', () => stamp(created, { ...marker, state: created[STATE] ?? marker.state }));
    return created;
  }

  /** The view on the container, for people reading the page's state in tests and for the screen reader's summary. */
  private describeView(): void {
    const center = this.map.getCenter();
    this.element.dataset.zoom = String(this.map.getZoom());
    this.element.dataset.center = `${center.lat},${center.lng}`;
  }
}

/** What the drawn marker says about itself, for tests and for anyone inspecting the page. */
function stamp(marker: L.Marker, state: MapMarker): void {
  const element = marker.getElement();
  if (!element) return;
  element.dataset.device = state.deviceId;
  element.dataset.state = state.state;
  element.dataset.latitude = String(state.latitude);
  element.dataset.longitude = String(state.longitude);
}

function markerIcon(state: MarkerState): L.DivIcon {
  return L.divIcon({ className: `map-marker map-state-${state}`, html: '', iconSize: [16, 16] });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
