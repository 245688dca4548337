import { placeOfPath } from '@hub/common';
import type { Domain } from '@hub/contract';
import type { DevicePresence } from '@hub/devices';

/** What alerting needs to know about devices beyond their readings. */
export interface DirectoryDevice {
  readonly deviceId: string;
  readonly domain: string;
  /** From the device registry; null for a device without a town (or not registered). */
  readonly town: string | null;
  /** Its village within the town, from the registry; null (or absent) when none. */
  readonly village?: string | null;
  readonly firstSeen: number;
  /** Event time of the newest accepted reading of each metric. */
  readonly lastValueTs: Readonly<Record<string, number>>;
}

export interface DeviceDirectory {
  devicesIn(domain: Domain): DirectoryDevice[];
  townOf(deviceId: string): string | null;
  villageOf(deviceId: string): string | null;
}

/**
 * The directory as device presence knows it: every device ever heard from, with the event time of each metric's
 * newest reading (accepted, whether or not InfluxDB has it yet), and its town and village from the device registry (`areas` gives a device's area path, `Town/Village`).
 */
export class PresenceDeviceDirectory implements DeviceDirectory {
  constructor(
    private readonly presence: Pick<DevicePresence, 'list'>,
    private readonly areas: (deviceId: string) => string | null,
  ) {}

  devicesIn(domain: Domain): DirectoryDevice[] {
    return this.presence
      .list()
      .filter((device) => device.domain === domain)
      .map((device) => ({ deviceId: device.deviceId, domain: device.domain, ...placeOfPath(this.areas(device.deviceId)), firstSeen: device.firstSeen, lastValueTs: device.lastValueTs }));
  }

  townOf(deviceId: string): string | null {
    return placeOfPath(this.areas(deviceId)).town;
  }

  villageOf(deviceId: string): string | null {
    return placeOfPath(this.areas(deviceId)).village;
  }
}
