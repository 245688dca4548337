import type { DeviceChange } from '@hub/api-types';
import type { DeviceState } from '@hub/devices';


/**
 * Turns successive snapshots of device presence into the changes an operator watches live: a device appearing, going
 * offline, coming back. New readings are not changes here (the console refreshes values on its own); a flood of them
 * would drown the status changes that matter.
 */
export class DeviceChangeTracker {
  private readonly online = new Map<string, boolean>();

  /** The first call only records the state: what was already true when a client connected is not news. */
  constructor(initial: readonly DeviceState[]) {
    for (const device of initial) this.online.set(device.deviceId, device.online);
  }

  changes(devices: readonly DeviceState[]): DeviceChange[] {
    const changes: DeviceChange[] = [];
    for (const device of devices) {
      const was = this.online.get(device.deviceId);
      if (was === device.online) continue;
      this.online.set(device.deviceId, device.online);
      changes.push({ change: was === undefined ? 'new' : device.online ? 'online' : 'offline', device: { ...device } });
    }
    return changes;
  }
}
