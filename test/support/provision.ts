import { DeviceToProvision, planDevices, provisionThroughApi, resolveSimulationOptions, SimulationOptions } from '../../devices-sim/src';
import type { Domain } from '../../libs/contract/src';
import { HubProcess } from './hub-process';

/**
 * Devices must be provisioned before they can connect. These helpers do it through the hub's REST API as the
 * bootstrap admin, and remember each hub's secrets so a test can provision the same device again at no cost.
 */
const known = new WeakMap<HubProcess, Map<string, string>>();

/** Provisions the devices the hub does not have yet; returns the secrets of all of them. */
export async function provisionDevices(hub: HubProcess, devices: readonly DeviceToProvision[]): Promise<Map<string, string>> {
  let secrets = known.get(hub);
  if (secrets === undefined) known.set(hub, (secrets = new Map()));
  const missing = devices.filter((device) => !secrets.has(device.deviceId));
  if (missing.length > 0) {
    const created = await provisionThroughApi(missing, { apiUrl: hub.httpUrl, apiKey: hub.adminKey, existing: 'fail' });
    for (const [deviceId, secret] of created) secrets.set(deviceId, secret);
  }
  return new Map(devices.map((device) => [device.deviceId, secrets.get(device.deviceId) as string]));
}

/** One device's secret. */
export async function provisionDevice(hub: HubProcess, deviceId: string, domain: Domain, profile: { town?: string; site?: string } = {}): Promise<string> {
  return (await provisionDevices(hub, [{ deviceId, domain, ...profile }])).get(deviceId) as string;
}

/** Simulator options with the credentials of every device the simulation will run, provisioned first. */
export async function provisioned(hub: HubProcess, options: SimulationOptions, profile: { town?: string; site?: string } = {}): Promise<SimulationOptions> {
  const devices = planDevices(resolveSimulationOptions(options)).map(({ deviceId, domain }) => ({ deviceId, domain, ...profile }));
  return { ...options, credentials: await provisionDevices(hub, devices) };
}

/** MQTT.js connect options of a provisioned device: client id = username = device id, password = its secret. */
export async function deviceLogin(hub: HubProcess, deviceId: string, domain: Domain): Promise<{ clientId: string; username: string; password: string }> {
  return { clientId: deviceId, username: deviceId, password: await provisionDevice(hub, deviceId, domain) };
}

/** MQTT.js connect options of a read-only county-wide subscriber (the bootstrap key stands in for integration credentials). */
export function subscriberLogin(hub: HubProcess, name: string): { clientId: string; username: string; password: string } {
  return { clientId: name, username: `test.${name}`, password: hub.adminKey };
}
