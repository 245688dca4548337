import type { DomainIssue } from '@hub/common';
import type { Domain } from '@hub/contract';
import type { GatewayLink } from './registry-device';

/** What the gateway rules need to know of a registry entry. */
export interface LinkedDevice extends GatewayLink {
  readonly deviceId: string;
  readonly domain: Domain | null;
}

/**
 * Why a device cannot stand where its gateway link puts it, or null. A child's gateway must exist, be a gateway and
 * speak for the child's domain; a gateway must still speak for every domain of the children registered under it.
 * `find` looks a gateway up (the registry, plus the gateways of the same import); `children` are the entry's own.
 */
export function gatewayLinkRefusal(device: LinkedDevice, find: (deviceId: string) => LinkedDevice | undefined, children: readonly LinkedDevice[]): DomainIssue | null {
  if (device.gatewayId !== null) {
    const gateway = find(device.gatewayId);
    if (gateway === undefined) return { field: 'gatewayId', problem: `no gateway ${device.gatewayId} in the registry (provision the gateway first, or in the same import)` };
    if (gateway.kind !== 'gateway') return { field: 'gatewayId', problem: `${device.gatewayId} is not a gateway (it is a plain device)` };
    if (device.domain === null || !gateway.gatewayDomains.includes(device.domain)) {
      return { field: 'gatewayId', problem: `gateway ${device.gatewayId} does not speak for ${device.domain ?? 'devices without a domain'} (its domains: ${gateway.gatewayDomains.join(', ')}); add the domain to its gatewayDomains first` };
    }
  }
  if (device.kind === 'gateway') {
    const stranded = children.filter((child) => child.domain === null || !device.gatewayDomains.includes(child.domain));
    if (stranded.length > 0) {
      const names = stranded.slice(0, 5).map((child) => `${child.deviceId} (${child.domain ?? 'no domain'})`);
      return { field: 'gatewayDomains', problem: `children ${names.join(', ')}${stranded.length > 5 ? ` and ${stranded.length - 5} more` : ''} are in domains the gateway would no longer speak for` };
    }
  }
  return null;
}
