import { type FleetDevice, type DeviceView, type PresenceStatus, presenceStatus, QUIET_AFTER_MS } from '@hub/api-types';

export function isFleetDevice(device: DeviceView): device is FleetDevice {
  return device.domain !== null && (device.status === null || device.status === 'active');
}

/**
 * What an operator needs to see first about a device: offline, quiet or online (PresenceStatus, shared with the hub's
 * overview). An open alert of a no-data or stuck rule says more and wins (see fleet view).
 */
export type DeviceStatus = PresenceStatus;

export { QUIET_AFTER_MS };

export function deviceStatus(device: Pick<FleetDevice, 'online' | 'lastSeen'>, now: number): DeviceStatus {
  return presenceStatus(device, now);
}

const RANK: Record<DeviceStatus, number> = { offline: 0, quiet: 1, online: 2 };

/** Problems first: offline, then quiet, then those with open alerts, then by id. */
export function compareDevices(
  a: { device: FleetDevice; status: DeviceStatus; openAlerts: number },
  b: { device: FleetDevice; status: DeviceStatus; openAlerts: number },
): number {
  return RANK[a.status] - RANK[b.status] || b.openAlerts - a.openAlerts || a.device.deviceId.localeCompare(b.device.deviceId, undefined, { numeric: true });
}
