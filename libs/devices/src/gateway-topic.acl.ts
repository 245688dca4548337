import { DEVICE_ID_PATTERN, parseDeviceReportTopic, type TopicParse } from '@hub/contract';
import type { RegistryDevice } from './registry-device';

/** What the gateway ACL needs of a gateway's registry entry. */
export type PublishingGateway = Pick<RegistryDevice, 'deviceId' | 'gatewayDomains'>;
/** …and of a device it publishes for. */
export type GatewayChild = Pick<RegistryDevice, 'deviceId' | 'domain' | 'gatewayId' | 'status' | 'enabled'>;

type FindChild = (deviceId: string) => GatewayChild | undefined;

/**
 * Null when a gateway may publish on `topic` for one of its children: the telemetry, status, commands/reply or
 * config/reported topic of a device registered under it, in a domain the gateway speaks for, active and enabled.
 * Otherwise why not, naming the child and what is wrong, so the field engineer configuring the DTU knows which row
 * of its poll table to fix. (The gateway's own topics are checked before this, as for any device.) `parsed` is parseSensorTopic's reading of `topic`.
 */
export function gatewayPublishRefusal(gateway: PublishingGateway, parsed: TopicParse, topic: string, find: FindChild): string | null {
  const address = parsed.ok ? parsed.address : parseDeviceReportTopic(topic)?.address;
  if (address === undefined) {
    return `gateway ${gateway.deviceId} may publish only on its own topics and on sensors/{domain}/{child id}/telemetry, …/status, …/commands/reply and …/config/reported of the devices registered under it, not on ${clip(topic)}`;
  }
  return childRefusal(gateway, 'publish for', address.domain, address.deviceId, find);
}

/**
 * Null when a gateway may subscribe to (and so receive) `filter`: exactly the commands or config topic of one of its
 * children, under the same conditions as publishing for it. A command for a child goes out on the child's own
 * commands topic, as its readings come in on the child's own telemetry topic (Sparkplug's DCMD beside DDATA), so the
 * gateway relays it to the meter it polls and answers on the child's commands/reply. Exact topics only, as for a
 * device: `sensors/water/+/commands` would also match other gateways' children.
 */
export function gatewaySubscriptionRefusal(gateway: PublishingGateway, filter: string, find: FindChild): string | null {
  const child = childCommandTopic(filter);
  if (child === null) {
    return `gateway ${gateway.deviceId} may subscribe only to its own commands and config topics and to sensors/{domain}/{child id}/commands and …/config of the devices registered under it, not to ${clip(filter)}`;
  }
  return childRefusal(gateway, 'subscribe for', child.domain, child.deviceId, find);
}

/** Domain, device id and leaf of sensors/{domain}/{deviceId}/commands or …/config; null for any other topic or a wildcard. */
export function childCommandTopic(topic: string): { readonly domain: string; readonly deviceId: string; readonly leaf: 'commands' | 'config' } | null {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'sensors' || (parts[3] !== 'commands' && parts[3] !== 'config')) return null;
  const [, domain, deviceId, leaf] = parts;
  // The domain is checked against the child's own below; a wildcard is never a device id.
  return DEVICE_ID_PATTERN.test(deviceId) ? { domain, deviceId, leaf: leaf as 'commands' | 'config' } : null;
}

function childRefusal(gateway: PublishingGateway, act: 'publish for' | 'subscribe for', domain: string, deviceId: string, find: FindChild): string | null {
  const id = gateway.deviceId;
  const child = find(deviceId);
  if (child === undefined) return `gateway ${id} may not ${act} ${deviceId}: no such device in the registry (provision it with gatewayId ${id})`;
  if (child.gatewayId !== id) {
    const under = child.gatewayId === null ? 'is not registered under any gateway' : `is registered under gateway ${child.gatewayId}`;
    return `gateway ${id} may not ${act} ${deviceId}: it ${under}`;
  }
  if (child.domain !== domain) return `gateway ${id} may not ${act} ${deviceId} under ${clip(domain)}: it is a ${child.domain ?? 'domain-less'} device`;
  if (!(gateway.gatewayDomains as readonly string[]).includes(domain)) return `gateway ${id} does not speak for ${domain} (its domains: ${gateway.gatewayDomains.join(', ')})`;
  if (child.status !== 'active' || !child.enabled) return `gateway ${id} may not ${act} ${deviceId}: the device is ${child.status === 'active' ? 'disabled' : child.status}`;
  return null;
}

/** Topics come from the client: keep what is logged and stored short. */
function clip(topic: string): string {
  return topic.length > 128 ? `${topic.slice(0, 128)}…` : topic;
}
