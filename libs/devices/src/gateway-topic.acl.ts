import type { TopicParse } from '@hub/contract';
import type { RegistryDevice } from './registry-device';

/** What the gateway ACL needs of a gateway's registry entry. */
export type PublishingGateway = Pick<RegistryDevice, 'deviceId' | 'gatewayDomains'>;
/** …and of a device it publishes for. */
export type GatewayChild = Pick<RegistryDevice, 'deviceId' | 'domain' | 'gatewayId' | 'status' | 'enabled'>;

/**
 * Null when a gateway may publish on `topic` for one of its children: the telemetry or status topic of a device
 * registered under it, in a domain the gateway speaks for, active and enabled. Otherwise why not, naming the child
 * and what is wrong, so the field engineer configuring the DTU knows which row of its poll table to fix. (The
 * gateway's own topics are checked before this, as for any device.) `parsed` is parseSensorTopic's reading of `topic`.
 */
export function gatewayPublishRefusal(gateway: PublishingGateway, parsed: TopicParse, topic: string, find: (deviceId: string) => GatewayChild | undefined): string | null {
  const id = gateway.deviceId;
  if (!parsed.ok) {
    return `gateway ${id} may publish only on its own topics and on sensors/{domain}/{child id}/telemetry and …/status of the devices registered under it, not on ${clip(topic)}`;
  }
  const { domain, deviceId } = parsed.address;
  const child = find(deviceId);
  if (child === undefined) return `gateway ${id} may not publish for ${deviceId}: no such device in the registry (provision it with gatewayId ${id})`;
  if (child.gatewayId !== id) {
    const under = child.gatewayId === null ? 'is not registered under any gateway' : `is registered under gateway ${child.gatewayId}`;
    return `gateway ${id} may not publish for ${deviceId}: it ${under}`;
  }
  if (child.domain !== domain) return `gateway ${id} may not publish for ${deviceId} under ${domain}: it is a ${child.domain ?? 'domain-less'} device`;
  if (!gateway.gatewayDomains.includes(domain)) return `gateway ${id} does not speak for ${domain} (its domains: ${gateway.gatewayDomains.join(', ')})`;
  if (child.status !== 'active' || !child.enabled) return `gateway ${id} may not publish for ${deviceId}: the device is ${child.status === 'active' ? 'disabled' : child.status}`;
  return null;
}

/** Topics come from the client: keep what is logged and stored short. */
function clip(topic: string): string {
  return topic.length > 128 ? `${topic.slice(0, 128)}…` : topic;
}
