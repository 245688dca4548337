import { ConfigError, type ConfigReader } from './env-parsers';

export interface MapConfig {
  /** A base-map tile URL template; null (the default): no base map, the map needs nothing outside the hub. */
  readonly tileUrl: string | null;
  readonly tileAttribution: string;
  /** Where the tiles come from as a Content-Security-Policy source (`https://*.tile.example.org`); null without tiles. */
  readonly tileSource: string | null;
  /** The largest area boundary file an admin may upload. */
  readonly boundariesMaxBytes: number;
}

const TILE_URL_ALLOWED = 'an http:// or https:// URL template with {z}, {x} and {y} (and optionally {s} as the first label of the host, {r}), without user:password@';

/**
 * The console's map. It works with no internet by default: boundaries and markers on a plain background. A county
 * with its own tile server (or one allowed to use a public one) names it here; the console's Content-Security-Policy
 * then lets the page load images from that origin, and from nowhere else.
 */
export function readMapConfig(read: ConfigReader): MapConfig {
  const tileUrl = read.optionalString('HUB_MAP_TILE_URL', {
    description:
      'base-map tiles under the console’s map, e.g. a county tile server `https://gis.county.example/tiles/{z}/{x}/{y}.png` (or a public one where its terms allow); unset: no base map, the map needs no internet',
    allowed: TILE_URL_ALLOWED,
  });
  const tileAttribution = read.string('HUB_MAP_TILE_ATTRIBUTION', '', {
    description: 'the credit shown under the map with the tiles, as their licence asks (plain text, e.g. `© OpenStreetMap contributors`)',
    default: '(none)',
  });
  const boundariesMaxBytes = read.bytes('HUB_MAP_BOUNDARIES_MAX_BYTES', 8 * 1024 * 1024, 1024, 256 * 1024 * 1024, 'largest GeoJSON area boundary file an admin may upload (PUT /api/area-boundaries); simplify larger files first');
  if (tileUrl === undefined) return { tileUrl: null, tileAttribution: '', tileSource: null, boundariesMaxBytes };
  const tileSource = tileSourceOf(tileUrl);
  if (tileSource === undefined) {
    read.errors.push(new ConfigError('HUB_MAP_TILE_URL', tileUrl.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1…@'), TILE_URL_ALLOWED));
    return { tileUrl: null, tileAttribution: '', tileSource: null, boundariesMaxBytes };
  }
  return { tileUrl, tileAttribution, tileSource, boundariesMaxBytes };
}

/**
 * The Content-Security-Policy source of a tile URL template (scheme, host, port), `{s}` as the first label of the
 * host becoming `*`; undefined when the template is not one the console can use.
 */
export function tileSourceOf(template: string): string | undefined {
  if (!['{z}', '{x}', '{y}'].every((placeholder) => template.includes(placeholder))) return undefined;
  // Leaflet fills these; anything else in braces would reach the tile server as it is.
  if ((template.match(/\{[^}]*\}/g) ?? []).some((placeholder) => !['{s}', '{z}', '{x}', '{y}', '{r}'].includes(placeholder))) return undefined;
  const match = /^(https?):\/\/([^/?#]+)/i.exec(template);
  if (match === null || match[2].includes('@')) return undefined;
  const [, scheme, authority] = match;
  const host = authority.startsWith('{s}.') ? `x${authority.slice(3)}` : authority;
  if (host.includes('{')) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(`${scheme}://${host}/`);
  } catch {
    return undefined;
  }
  const hostPart = authority.startsWith('{s}.') ? `*${parsed.host.slice(1)}` : parsed.host;
  return `${parsed.protocol}//${hostPart}`;
}
