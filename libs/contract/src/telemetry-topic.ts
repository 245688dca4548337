import { Domain, isDomainName } from './metric-catalogue';

/** `sensors/{domain}/{deviceId}/telemetry` — the only topic devices publish readings on. */
export const TELEMETRY_TOPIC_PATTERN = 'sensors/{domain}/{deviceId}/telemetry';
/** `sensors/{domain}/{deviceId}/status` — retained "online"/"offline"; devices set it as their last will. */
export const STATUS_TOPIC_PATTERN = 'sensors/{domain}/{deviceId}/status';
/** `sensors/{domain}/{deviceId}/commands` — what the hub or an operator tells the device to do; the device subscribes. */
export const COMMANDS_TOPIC_PATTERN = 'sensors/{domain}/{deviceId}/commands';
/** `sensors/{domain}/{deviceId}/config` — the device's configuration, retained; the device subscribes. */
export const CONFIG_TOPIC_PATTERN = 'sensors/{domain}/{deviceId}/config';
/** `sensors/{domain}/{deviceId}/commands/reply` — the device's outcome of a command: `{ id, ok, result? | error? }`. */
export const COMMAND_REPLY_TOPIC_PATTERN = 'sensors/{domain}/{deviceId}/commands/reply';
/** `sensors/{domain}/{deviceId}/config/reported` — the configuration the device applied, a JSON object. */
export const CONFIG_REPORTED_TOPIC_PATTERN = 'sensors/{domain}/{deviceId}/config/reported';
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface DeviceAddress {
  readonly domain: Domain;
  readonly deviceId: string;
}

export type TopicKind = 'telemetry' | 'status';

export type TopicParse =
  | { readonly ok: true; readonly kind: TopicKind; readonly address: DeviceAddress }
  | { readonly ok: false; readonly reason: 'TOPIC_INVALID' | 'DOMAIN_UNKNOWN' | 'DEVICE_ID_INVALID'; readonly detail: string };

/** What topic parsing needs of the catalogue: whether it knows a domain (a MetricCatalogue is one). */
export interface KnownDomains {
  hasDomain(domain: string): boolean;
}

/** For topics whose domain was checked when their message was taken: any well-formed domain name passes. */
export const EVERY_DOMAIN_NAME: KnownDomains = { hasDomain: () => true };

/** Parses a device's readings or status topic; the domain must be one the catalogue knows now. */
export function parseSensorTopic(topic: string, known: KnownDomains): TopicParse {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'sensors' || (parts[3] !== 'telemetry' && parts[3] !== 'status')) {
    return { ok: false, reason: 'TOPIC_INVALID', detail: `topic must be ${TELEMETRY_TOPIC_PATTERN} (or .../status)` };
  }
  const [, domain, deviceId, kind] = parts;
  if (!isDomainName(domain) || !known.hasDomain(domain)) {
    return { ok: false, reason: 'DOMAIN_UNKNOWN', detail: `unknown domain "${domain.slice(0, 32)}": no such domain in the catalogue (GET /api/catalogue)` };
  }
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    return { ok: false, reason: 'DEVICE_ID_INVALID', detail: 'device id must match [A-Za-z0-9_-]{1,64}' };
  }
  return { ok: true, kind: kind as TopicKind, address: { domain, deviceId } };
}

export function telemetryTopic(domain: Domain, deviceId: string): string {
  return `sensors/${domain}/${deviceId}/telemetry`;
}

export function statusTopic(domain: Domain, deviceId: string): string {
  return `sensors/${domain}/${deviceId}/status`;
}

export function commandsTopic(domain: Domain, deviceId: string): string {
  return `sensors/${domain}/${deviceId}/commands`;
}

export function configTopic(domain: Domain, deviceId: string): string {
  return `sensors/${domain}/${deviceId}/config`;
}

export function commandReplyTopic(domain: Domain, deviceId: string): string {
  return `sensors/${domain}/${deviceId}/commands/reply`;
}

export function configReportedTopic(domain: Domain, deviceId: string): string {
  return `sensors/${domain}/${deviceId}/config/reported`;
}

/** What follows `sensors/{domain}/{deviceId}/` in one of a device's topics. */
export type DeviceTopicLeaf = 'telemetry' | 'status' | 'commands' | 'config' | 'commands/reply' | 'config/reported';

/** The device-to-hub topics that are not readings: a command's outcome and the applied configuration. */
export type DeviceReportLeaf = 'commands/reply' | 'config/reported';

/**
 * The device and the leaf of `sensors/{domain}/{deviceId}/commands/reply` or `.../config/reported`; null for any
 * other topic (readings and status go through parseSensorTopic).
 */
export function parseDeviceReportTopic(topic: string): { readonly address: DeviceAddress; readonly leaf: DeviceReportLeaf } | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'sensors') return null;
  const [, domain, deviceId, first, second] = parts;
  const leaf = `${first}/${second}`;
  if (leaf !== 'commands/reply' && leaf !== 'config/reported') return null;
  if (!isDomainName(domain) || !DEVICE_ID_PATTERN.test(deviceId)) return null;
  return { address: { domain, deviceId }, leaf };
}

const SLASH = 0x2f;

/**
 * True when `topic` is exactly sensors/{domain}/{deviceId}/{leaf} for this device. Compared in place: no topic
 * string is built per message, nor kept per connected device (four strings, ≈ 0.4 KB per device, were).
 */
export function isDeviceTopic(device: DeviceAddress, topic: string, leaf: DeviceTopicLeaf): boolean {
  const { domain, deviceId } = device;
  const deviceAt = 'sensors/'.length + domain.length + 1;
  const leafAt = deviceAt + deviceId.length + 1;
  return (
    topic.length === leafAt + leaf.length &&
    topic.startsWith('sensors/') &&
    topic.startsWith(domain, 'sensors/'.length) &&
    topic.charCodeAt(deviceAt - 1) === SLASH &&
    topic.startsWith(deviceId, deviceAt) &&
    topic.charCodeAt(leafAt - 1) === SLASH &&
    topic.startsWith(leaf, leafAt)
  );
}
