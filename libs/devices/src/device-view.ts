import { AccessScope, scopeCovers } from '@hub/access';
import type { DeviceState } from './presence/device-state.repository';
import { DeviceNotFoundError, DeviceOutOfScopeError } from './device-registry.errors';
import type { DeviceRegistryService } from './device-registry.service';
import { DeviceStatus, RegistryDevice } from './registry-device';

/**
 * A device as the API shows it: what the registry says (where, what to expect, its standing, when its secret was
 * issued — never the secret or its hash) merged with what presence saw (online, last seen, last values).
 * `registered: false` marks a device heard from before the registry existed, or deleted from it since: its
 * history stays readable.
 */
export interface DeviceView {
  readonly deviceId: string;
  readonly domain: string | null;
  readonly registered: boolean;
  readonly status: DeviceStatus | null;
  readonly enabled: boolean | null;
  readonly town: string | null;
  readonly site: string | null;
  readonly location: { readonly latitude: number; readonly longitude: number } | null;
  readonly expectedIntervalS: number | null;
  readonly description: string;
  readonly hasSecret: boolean;
  readonly secretIssuedAt: number | null;
  readonly provisionedAt: number | null;
  readonly provisionedBy: string | null;
  /** Quarantine: where it first connected from and how often it has tried. */
  readonly firstSeenAddress: string | null;
  readonly connectAttempts: number | null;
  readonly online: boolean;
  readonly clientId: string | null;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  readonly lastReadingTs: number | null;
  readonly lastValues: Readonly<Record<string, number>>;
  readonly lastValueTs: Readonly<Record<string, number>>;
  readonly statusChangedAt: number | null;
}

export interface DeviceFilter {
  readonly town?: string;
  readonly domain?: string;
  /** A registry status, or `unregistered` for devices only presence knows. */
  readonly status?: DeviceStatus | 'unregistered';
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
    const views: DeviceView[] = this.registry.list().map((device) => toDeviceView(device, this.presence.get(device.deviceId)));
    for (const state of this.presence.list()) {
      if (this.registry.find(state.deviceId) === undefined) views.push(toDeviceView(undefined, state));
    }
    return views
      .filter((view) => scopeCovers(scope, view))
      .filter((view) => filter.town === undefined || view.town === filter.town)
      .filter((view) => filter.domain === undefined || view.domain === filter.domain)
      .filter((view) => filter.status === undefined || (view.status ?? 'unregistered') === filter.status)
      .sort((a, b) => (a.domain ?? '').localeCompare(b.domain ?? '') || a.deviceId.localeCompare(b.deviceId));
  }

  /** A registry entry as the API shows it, with what presence knows of it. */
  viewOf(device: RegistryDevice): DeviceView {
    return toDeviceView(device, this.presence.get(device.deviceId));
  }

  /** One device; 404 when nobody knows it, 403 when it is outside the caller's scope. */
  get(principal: { readonly name: string; readonly scope: AccessScope }, deviceId: string): DeviceView {
    const registered = this.registry.find(deviceId);
    const state = this.presence.get(deviceId);
    if (registered === undefined && state === undefined) throw new DeviceNotFoundError(deviceId);
    const view = toDeviceView(registered, state);
    if (!scopeCovers(principal.scope, view)) throw new DeviceOutOfScopeError(deviceId, principal.name);
    return view;
  }
}

export function toDeviceView(device: RegistryDevice | undefined, state: DeviceState | undefined): DeviceView {
  const id = device?.deviceId ?? state?.deviceId;
  if (id === undefined) throw new Error('a device view needs the registry entry or the presence state');
  return {
    deviceId: id,
    domain: device?.domain ?? state?.domain ?? null,
    registered: device !== undefined,
    status: device?.status ?? null,
    enabled: device?.enabled ?? null,
    town: device?.town ?? null,
    site: device?.site ?? null,
    location: device?.latitude != null && device.longitude != null ? { latitude: device.latitude, longitude: device.longitude } : null,
    expectedIntervalS: device?.expectedIntervalS ?? null,
    description: device?.description ?? '',
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
