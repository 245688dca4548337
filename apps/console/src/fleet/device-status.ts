import type { FleetDevice, DeviceView } from '@hub/api-types';

export function isFleetDevice(device: DeviceView): device is FleetDevice {
  return device.domain !== null && (device.status === null || device.status === 'active');
}

/**
 * What an operator needs to see first about a device. `offline`: the broker says it is not connected (its last will
 * fired, or it never came back after a restart). `quiet`: connected, but nothing heard for a while — a hung meter
 * or a lost route often looks like this. An open alert of a no-data or stuck rule says more and wins (see fleet view).
 */
export type DeviceStatus = 'online' | 'quiet' | 'offline';

/** Connected but silent for this long counts as quiet. */
export const QUIET_AFTER_MS = 10 * 60_000;

export function deviceStatus(device: Pick<FleetDevice, 'online' | 'lastSeen'>, now: number): DeviceStatus {
  if (!device.online) return 'offline';
  return now - (device.lastSeen ?? 0) > QUIET_AFTER_MS ? 'quiet' : 'online';
}

const RANK: Record<DeviceStatus, number> = { offline: 0, quiet: 1, online: 2 };

/** Problems first: offline, then quiet, then those with open alerts, then by id. */
export function compareDevices(
  a: { device: FleetDevice; status: DeviceStatus; openAlerts: number },
  b: { device: FleetDevice; status: DeviceStatus; openAlerts: number },
): number {
  return RANK[a.status] - RANK[b.status] || b.openAlerts - a.openAlerts || a.device.deviceId.localeCompare(b.device.deviceId, undefined, { numeric: true });
}
