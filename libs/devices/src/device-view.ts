import { AccessScope, scopeCovers } from '@hub/access';
import { areaCovers, areaPathOf } from '@hub/common';
import type { DeviceState } from './presence/device-state.repository';
import { DeviceNotFoundError, DeviceOutOfScopeError } from './device-registry.errors';
import type { DeviceRegistryService } from './device-registry.service';
import type { DeviceView } from '@hub/api-types';
import { DeviceStatus, RegistryDevice } from './registry-device';

/** A device as the API shows it (registry merged with presence): the shape of @hub/api-types. */
export type { DeviceView };

export interface DeviceFilter {
  /** An area path: `Ashford` (the town with its villages) or `Ashford/Millbrook`. */
  readonly town?: string;
  readonly domain?: string;
  /** A registry status, or `unregistered` for devices only presence knows. */
  readonly status?: DeviceStatus | 'unregistered';
  /** Only the devices registered under this gateway (not the gateway itself). */
  readonly gateway?: string;
}

export interface DevicePresenceSource {
  list(): DeviceState[];
  get(deviceId: string): DeviceState | undefined;
}

/** The read side of the devices API: registry and presence merged, always within the caller's scope. */
export class DeviceQueryService {
  constructor(
    private readonly registry: DeviceRegistryService,
    private readonly presence: DevicePresenceSource,
  ) {}

  /** Devices the scope covers, matching the filter, by domain then id. */
  list(scope: AccessScope, filter: DeviceFilter = {}): DeviceView[] {
    const views: DeviceView[] = this.registry.list().map((device) => this.viewOf(device));
    for (const state of this.presence.list()) {
      if (this.registry.find(state.deviceId) === undefined) views.push(toDeviceView(undefined, state, null));
    }
    return views
      .filter((view) => scopeCovers(scope, view))
      .filter((view) => filter.town === undefined || areaCovers(filter.town, areaPathOf(view)))
      .filter((view) => filter.domain === undefined || view.domain === filter.domain)
      .filter((view) => filter.status === undefined || (view.status ?? 'unregistered') === filter.status)
      .filter((view) => filter.gateway === undefined || view.gatewayId === filter.gateway)
      .sort((a, b) => (a.domain ?? '').localeCompare(b.domain ?? '') || a.deviceId.localeCompare(b.deviceId));
  }

  /** A registry entry as the API shows it, with what presence knows of it. */
  viewOf(device: RegistryDevice): DeviceView {
    return toDeviceView(device, this.presence.get(device.deviceId), device.kind === 'gateway' ? this.registry.childCountOf(device.deviceId) : null);
  }

  /** One device; 404 when nobody knows it, 403 when it is outside the caller's scope. */
  get(principal: { readonly name: string; readonly scope: AccessScope }, deviceId: string): DeviceView {
    const registered = this.registry.find(deviceId);
    const state = this.presence.get(deviceId);
    if (registered === undefined && state === undefined) throw new DeviceNotFoundError(deviceId);
    const view = registered === undefined ? toDeviceView(undefined, state, null) : this.viewOf(registered);
    if (!scopeCovers(principal.scope, view)) throw new DeviceOutOfScopeError(deviceId, principal.name);
    return view;
  }
}

/** `childCount`: a gateway's number of children (null for others). */
export function toDeviceView(device: RegistryDevice | undefined, state: DeviceState | undefined, childCount: number | null = null): DeviceView {
  const id = device?.deviceId ?? state?.deviceId;
  if (id === undefined) throw new Error('a device view needs the registry entry or the presence state');
  return {
    deviceId: id,
    domain: device?.domain ?? state?.domain ?? null,
    registered: device !== undefined,
    kind: device?.kind ?? null,
    gatewayId: device?.gatewayId ?? null,
    gatewayDomains: device?.gatewayDomains ?? [],
    childCount: device?.kind === 'gateway' ? childCount : null,
    status: device?.status ?? null,
    enabled: device?.enabled ?? null,
    town: device?.town ?? null,
    village: device?.village ?? null,
    site: device?.site ?? null,
    location: device?.latitude != null && device.longitude != null ? { latitude: device.latitude, longitude: device.longitude } : null,
    expectedIntervalS: device?.expectedIntervalS ?? null,
    description: device?.description ?? '',
    profileId: device?.profileId ?? null,
    devEui: device?.devEui ?? null,
    hasSecret: device?.secretHash != null,
    secretIssuedAt: device?.secretIssuedAt ?? null,
    provisionedAt: device?.createdAt ?? null,
    provisionedBy: device?.createdBy ?? null,
    firstSeenAddress: device?.firstSeenAddress ?? null,
    connectAttempts: device === undefined ? null : device.connectAttempts,
    online: state?.online ?? false,
    clientId: state?.clientId ?? null,
    firstSeen: state?.firstSeen ?? null,
    lastSeen: state?.lastSeen ?? null,
    lastReadingTs: state?.lastReadingTs ?? null,
    lastValues: state?.lastValues ?? {},
    lastValueTs: state?.lastValueTs ?? {},
    statusChangedAt: state?.statusChangedAt ?? null,
  };
}
