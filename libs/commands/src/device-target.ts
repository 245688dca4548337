import { assertInScope, type Principal } from '@hub/access';
import type { Domain } from '@hub/contract';
import { DeviceConflictError, DeviceNotFoundError, type RegistryDevice } from '@hub/devices';

/** Who asks: the operator or API key (its name is the actor in the audit log). */
export type CommandActor = Pick<Principal, 'name' | 'scope'>;

/** Where the services look a device up (DeviceRegistryService). */
export interface DeviceDirectory {
  find(deviceId: string): RegistryDevice | undefined;
  /** The devices registered under a gateway (none for a plain device). */
  childrenOf(gatewayId: string): RegistryDevice[];
}

/**
 * The MQTT clients that may carry a device's commands, in the order they are tried: the device's own connection,
 * then its gateway's (a child behind a DTU hears its commands through the DTU's subscription to the child's
 * commands topic).
 */
export function commandCarriers(deviceId: string, device: Pick<RegistryDevice, 'gatewayId'> | undefined): readonly string[] {
  return device?.gatewayId == null ? [deviceId] : [deviceId, device.gatewayId];
}

export interface CommandTarget {
  readonly deviceId: string;
  readonly domain: Domain;
  readonly town: string | null;
}

/**
 * The device a command or configuration is for: registered (404 otherwise), inside the actor's towns and domains
 * exactly as an alert must be to be acknowledged (403 otherwise), and active with a domain (409 otherwise: a
 * quarantined or rejected device has no topics to be told anything on).
 */
export function commandTarget(devices: DeviceDirectory, actor: CommandActor, deviceId: string): CommandTarget {
  const device = devices.find(deviceId);
  if (device === undefined) throw new DeviceNotFoundError(deviceId);
  assertInScope(actor, device, `Device ${deviceId} (${device.domain ?? 'no domain'}${device.town === null ? '' : `, ${device.town}`})`);
  if (device.status !== 'active' || device.domain === null) throw new DeviceConflictError(`Device ${deviceId} is ${device.status}: only an active device takes commands and configuration`);
  return { deviceId, domain: device.domain, town: device.town };
}

/** Reading a device's commands or configuration: registered and inside the actor's scope (any status). */
export function readableDevice(devices: DeviceDirectory, actor: CommandActor, deviceId: string): RegistryDevice {
  const device = devices.find(deviceId);
  if (device === undefined) throw new DeviceNotFoundError(deviceId);
  assertInScope(actor, device, `Device ${deviceId} (${device.domain ?? 'no domain'}${device.town === null ? '' : `, ${device.town}`})`);
  return device;
}
