import { type DomainIssue, firstUnprintable, printable, quoted } from '@hub/common';
import { Domain, domainChoices, DEVICE_ID_PATTERN, type MetricCatalogue } from '@hub/contract';
import { DEVICE_KINDS, DeviceKind, DevicePatch, DeviceDetails, EMPTY_DETAILS, GatewayLink, NewDevice } from './registry-device';

export const MAX_TOWN_LENGTH = 64;
export const MAX_SITE_LENGTH = 128;
export const MAX_DESCRIPTION_LENGTH = 500;
/** A week: anything slower is not "reporting" any more. */
export const MAX_EXPECTED_INTERVAL_S = 7 * 86_400;

/** The fields of the JSON API, in the order they are documented. */
export const DETAIL_FIELDS = ['town', 'village', 'site', 'latitude', 'longitude', 'expectedIntervalS', 'description', 'enabled', 'profileId', 'devEui'] as const;
export type DetailField = (typeof DETAIL_FIELDS)[number];
/** Gateways: `kind` is set at provisioning; a child's `gatewayId` and a gateway's `gatewayDomains` may change later. */
export const GATEWAY_FIELDS = ['kind', 'gatewayId', 'gatewayDomains'] as const;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly DomainIssue[] };

/**
 * Raw values of one device as they arrive: JSON values from the API, or strings from a CSV cell (`text` mode, where
 * an empty cell means "not given" and numbers and booleans are spelled out).
 */
export type RawDevice = Readonly<Record<string, unknown>>;

/** A request body that must be one JSON object; anything else is a 400. */
export function rawDeviceOf(body: unknown): Parsed<RawDevice> {
  if (body === undefined || body === null || body === '') return { ok: true, value: {} };
  if (typeof body === 'object' && !Array.isArray(body)) return { ok: true, value: body as RawDevice };
  return { ok: false, problems: [{ field: 'body', problem: 'expected a JSON object' }] };
}

/** A new device from the API or a CSV row: every problem at once, each naming its field. */
export function parseNewDevice(raw: RawDevice, catalogue: MetricCatalogue, text = false): Parsed<NewDevice> {
  const problems: DomainIssue[] = [];
  for (const field of Object.keys(raw)) {
    if (field !== 'deviceId' && field !== 'domain' && !(DETAIL_FIELDS as readonly string[]).includes(field) && !(GATEWAY_FIELDS as readonly string[]).includes(field)) {
      problems.push({ field, problem: `unknown field; allowed: deviceId, domain, ${DETAIL_FIELDS.join(', ')}, ${GATEWAY_FIELDS.join(', ')}` });
    }
  }
  const deviceId = readDeviceId(raw.deviceId, problems);
  const domain = readDomain(raw.domain, problems, catalogue);
  const profile = readDetails(raw, text, problems, false);
  const link = readGatewayLink(raw, text, domain, problems, catalogue);
  if (problems.length > 0 || deviceId === undefined || domain === undefined) return { ok: false, problems };
  if (link.gatewayId === deviceId) return { ok: false, problems: [{ field: 'gatewayId', problem: 'a device cannot be its own gateway' }] };
  return { ok: true, value: { ...EMPTY_DETAILS, ...profile, ...link, deviceId, domain } };
}

/**
 * kind (default device), a device's gatewayId, a gateway's gatewayDomains (default: its own domain). Whether the
 * named gateway exists and may speak for the device's domain is the registry's question, not a field's.
 */
function readGatewayLink(raw: RawDevice, text: boolean, domain: Domain | undefined, problems: DomainIssue[], catalogue: MetricCatalogue): GatewayLink {
  const given = (field: string): boolean => raw[field] !== undefined && raw[field] !== null && !(text && raw[field] === '');
  let kind: DeviceKind = 'device';
  if (given('kind')) {
    const value = text && typeof raw.kind === 'string' ? raw.kind.trim().toLowerCase() : raw.kind;
    if (typeof value === 'string' && (DEVICE_KINDS as readonly string[]).includes(value)) kind = value as DeviceKind;
    else problems.push({ field: 'kind', problem: `must be one of ${DEVICE_KINDS.join(', ')}, got ${shown(raw.kind)}` });
  }
  const gatewayId = given('gatewayId') ? (readDeviceId(raw.gatewayId, problems, 'gatewayId') ?? null) : null;
  const domains = given('gatewayDomains') ? readGatewayDomains(raw.gatewayDomains, text, problems, catalogue) : null;
  if (kind === 'gateway') {
    if (gatewayId !== null) problems.push({ field: 'gatewayId', problem: 'a gateway cannot be under another gateway' });
    return { kind, gatewayId: null, gatewayDomains: domains ?? (domain === undefined ? [] : [domain]) };
  }
  if (domains !== null && domains.length > 0) problems.push({ field: 'gatewayDomains', problem: 'only a gateway (kind gateway) speaks for domains' });
  return { kind, gatewayId, gatewayDomains: [] };
}

/** A JSON array of domains, or in a CSV cell domains separated by `;`, `|` or spaces; at least one, no repeats. */
export function readGatewayDomains(value: unknown, text: boolean, problems: DomainIssue[], catalogue: MetricCatalogue): Domain[] | null {
  const items = text && typeof value === 'string' ? value.split(/[;|\s]+/).filter((item) => item !== '') : value;
  if (!Array.isArray(items) || items.length === 0 || !items.every((item): item is Domain => typeof item === 'string' && catalogue.hasDomain(item))) {
    const form = text ? 'domains separated by ; (e.g. water;power)' : 'a non-empty array of domains';
    return fail(problems, 'gatewayDomains', `must be ${form}, each ${domainChoices(catalogue)}; got ${shown(value)}`);
  }
  if (new Set(items).size !== items.length) return fail(problems, 'gatewayDomains', `lists a domain more than once: ${shown(value)}`);
  return items;
}

/** A change to a device's profile: only the fields given; null clears a field. */
export function parseDevicePatch(raw: RawDevice, catalogue: MetricCatalogue): Parsed<DevicePatch> {
  const problems: DomainIssue[] = [];
  for (const field of Object.keys(raw)) {
    if (field === 'domain' || field === 'deviceId') {
      problems.push({ field, problem: `${field} cannot change (it is part of the device's topics); delete the device and provision it again` });
    } else if (field === 'kind') {
      problems.push({ field, problem: 'kind cannot change; delete the device and provision it again' });
    } else if (!(DETAIL_FIELDS as readonly string[]).includes(field) && !(GATEWAY_FIELDS as readonly string[]).includes(field)) {
      problems.push({ field, problem: `unknown field; allowed: ${DETAIL_FIELDS.join(', ')}, gatewayId, gatewayDomains` });
    }
  }
  const patch: { -readonly [K in keyof DevicePatch]: DevicePatch[K] } = readDetails(raw, false, problems, true);
  if (raw.gatewayId !== undefined) patch.gatewayId = raw.gatewayId === null ? null : (readDeviceId(raw.gatewayId, problems, 'gatewayId') ?? null);
  if (raw.gatewayDomains !== undefined) patch.gatewayDomains = readGatewayDomains(raw.gatewayDomains, false, problems, catalogue) ?? [];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: patch };
}

export function readDeviceId(value: unknown, problems: DomainIssue[], field = 'deviceId'): string | undefined {
  if (typeof value === 'string' && DEVICE_ID_PATTERN.test(value)) return value;
  problems.push({ field, problem: value === undefined || value === '' ? 'required' : `must match ${DEVICE_ID_PATTERN.source}, got ${shown(value)}` });
  return undefined;
}

export function readDomain(value: unknown, problems: DomainIssue[], catalogue: MetricCatalogue, field = 'domain'): Domain | undefined {
  if (typeof value === 'string' && catalogue.hasDomain(value)) return value;
  problems.push({ field, problem: value === undefined || value === '' ? `required: ${domainChoices(catalogue)}` : `must be ${domainChoices(catalogue)}, got ${shown(value)}` });
  return undefined;
}

/**
 * The profile fields present in `raw`. With `partial`, absent fields stay absent (a PATCH); otherwise they take the
 * defaults. Latitude and longitude come together or not at all.
 */
function readDetails(raw: RawDevice, text: boolean, problems: DomainIssue[], partial: boolean): Partial<DeviceDetails> {
  const profile: { -readonly [K in keyof DeviceDetails]?: DeviceDetails[K] } = {};
  const given = (field: DetailField): boolean => raw[field] !== undefined && !(text && raw[field] === '');
  if (given('town')) profile.town = readAreaName(raw.town, 'town', problems);
  if (given('village')) profile.village = readAreaName(raw.village, 'village', problems);
  if (given('site')) profile.site = readLabel(raw.site, 'site', MAX_SITE_LENGTH, problems);
  if (given('latitude')) profile.latitude = readNumber(raw.latitude, 'latitude', -90, 90, text, problems);
  if (given('longitude')) profile.longitude = readNumber(raw.longitude, 'longitude', -180, 180, text, problems);
  if (given('expectedIntervalS')) profile.expectedIntervalS = readInterval(raw.expectedIntervalS, text, problems);
  if (given('description')) profile.description = readDescription(raw.description, problems);
  if (given('enabled')) profile.enabled = readEnabled(raw.enabled, text, problems);
  if (given('profileId')) profile.profileId = readProfileId(raw.profileId, problems);
  if (given('devEui')) profile.devEui = readDevEui(raw.devEui, problems);
  const hasLatitude = given('latitude') && profile.latitude !== null;
  const hasLongitude = given('longitude') && profile.longitude !== null;
  if (!partial && profile.village != null && profile.town == null) problems.push({ field: 'village', problem: 'a village is within a town: give the town too' });
  if (!partial && hasLatitude !== hasLongitude) {
    problems.push({ field: hasLatitude ? 'longitude' : 'latitude', problem: 'latitude and longitude go together: give both or neither' });
  }
  return profile;
}

/**
 * Town and site: trimmed text without control or invisible formatting characters (they become InfluxDB tags, which
 * InfluxDB 1.x stores as they are, and scope lists must name them); null or empty clears.
 */
function readLabel(value: unknown, field: string, maxLength: number, problems: DomainIssue[]): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return fail(problems, field, `must be text, got ${shown(value)}`);
  const text = value.trim();
  if (text === '') return null;
  const unprintable = firstUnprintable(text);
  if (unprintable !== null) {
    return fail(problems, field, `must not contain control or invisible formatting characters (line breaks, tabs, bidi overrides, zero-width spaces); found ${quoted(unprintable)} in ${shown(text)}`);
  }
  if (text.length > maxLength) return fail(problems, field, `at most ${maxLength} characters, got ${text.length}`);
  return text;
}

/** A town or a village: a label (see readLabel) without `/`, which separates a town from its village in area paths. */
function readAreaName(value: unknown, field: 'town' | 'village', problems: DomainIssue[]): string | null {
  const name = readLabel(value, field, MAX_TOWN_LENGTH, problems);
  if (name !== null && name.includes('/')) return fail(problems, field, `must not contain "/" (it separates a town from its village in area paths), got ${shown(name)}`);
  return name;
}

function readNumber(value: unknown, field: string, min: number, max: number, text: boolean, problems: DomainIssue[]): number | null {
  if (value === null) return null;
  const number = text && typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) return fail(problems, field, `must be a number from ${min} to ${max}, got ${shown(value)}`);
  if (number < min || number > max) return fail(problems, field, `must be from ${min} to ${max}, got ${number}`);
  return number;
}

const INTERVAL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Whole seconds; a CSV cell may also say `30s`, `5m`, `1h`, `1d`. */
function readInterval(value: unknown, text: boolean, problems: DomainIssue[]): number | null {
  if (value === null) return null;
  let seconds: number | undefined;
  if (typeof value === 'number') seconds = value;
  else if (text && typeof value === 'string') {
    const match = /^\s*(\d+)\s*(s|m|h|d)?\s*$/.exec(value);
    seconds = match ? Number(match[1]) * INTERVAL_UNITS[match[2] ?? 's'] : undefined;
  }
  if (seconds === undefined || !Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_EXPECTED_INTERVAL_S) {
    const form = text ? 'whole seconds or a duration like 30s, 5m, 1h' : 'whole seconds';
    return fail(problems, 'expectedIntervalS', `must be ${form}, from 1 s to ${MAX_EXPECTED_INTERVAL_S} s (7 days), got ${shown(value)}`);
  }
  return seconds;
}

function readDescription(value: unknown, problems: DomainIssue[]): string {
  if (value === null) return '';
  if (typeof value !== 'string') return fail(problems, 'description', `must be text, got ${shown(value)}`) ?? '';
  if (value.length > MAX_DESCRIPTION_LENGTH) return fail(problems, 'description', `at most ${MAX_DESCRIPTION_LENGTH} characters, got ${value.length}`) ?? '';
  return value;
}

/** A device profile's id: lower-case letters, digits and dashes, as the profile API makes them. */
export const PROFILE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Whether the named profile exists is the registry's question; here only its form. Null or empty: the contract. */
function readProfileId(value: unknown, problems: DomainIssue[]): string | null {
  if (value === null || value === '') return null;
  if (typeof value === 'string' && PROFILE_ID_PATTERN.test(value.trim())) return value.trim();
  return fail(problems, 'profileId', `must be a device profile's id (${PROFILE_ID_PATTERN.source}), got ${shown(value)}`);
}

/**
 * 16 hex digits, stored lower-case. Field engineers copy DevEUIs off labels and network server consoles, written
 * as 70B3D5…, 70-B3-D5-… or 70:b3:d5:…: separators and case are dropped. Null or empty clears it.
 */
export function readDevEui(value: unknown, problems: DomainIssue[]): string | null {
  if (value === null || value === '') return null;
  const digits = typeof value === 'string' ? value.trim().replace(/[-: ]/g, '').toLowerCase() : undefined;
  if (digits !== undefined && /^[0-9a-f]{16}$/.test(digits)) return digits;
  return fail(problems, 'devEui', `must be a DevEUI of 16 hex digits (separators - and : allowed), got ${shown(value)}`);
}

const TRUE_WORDS = ['true', 'yes', 'y', '1', 'on'];
const FALSE_WORDS = ['false', 'no', 'n', '0', 'off'];

function readEnabled(value: unknown, text: boolean, problems: DomainIssue[]): boolean {
  if (typeof value === 'boolean') return value;
  if (text && typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    return fail(problems, 'enabled', `must be true or false (also yes/no, 1/0), got ${shown(value)}`) ?? true;
  }
  return fail(problems, 'enabled', `must be true or false, got ${shown(value)}`) ?? true;
}

function fail(problems: DomainIssue[], field: string, problem: string): null {
  problems.push({ field, problem });
  return null;
}

/** A value quoted for a message, cut short (an import report must not echo a whole pasted cell back) and printable. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : JSON.stringify(value) ?? String(value);
  return printable(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
