import { DeviceToProvision, planDevices, resolveSimulationOptions, SimulationOptions } from '@hub/devices-sim';
import type { Domain } from '@hub/contract';
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
  // Through hub.request rather than the simulator's provisioner: it also reaches a hub serving HTTPS with a test CA.
  for (let start = 0; start < missing.length; start += 500) {
    const body = missing.slice(start, start + 500).map(({ deviceId, domain, town, site }) => ({ deviceId, domain, town, site }));
    const answer = await hub.request<{ created: Array<{ deviceId: string; secret: string }>; refused: unknown[] }>('POST', '/api/devices/import', body);
    if (answer.status !== 200 || answer.body.refused.length > 0) throw new Error(`provisioning refused: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
    for (const { deviceId, secret } of answer.body.created) secrets.set(deviceId, secret);
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
export async function deviceLogin(hub: HubProcess, deviceId: string, domain: Domain, profile: { town?: string; site?: string } = {}): Promise<{ clientId: string; username: string; password: string }> {
  return { clientId: deviceId, username: deviceId, password: await provisionDevice(hub, deviceId, domain, profile) };
}

/**
 * MQTT.js connect options of a read-only, county-wide integration client (`test.<name>`), created through the API.
 * `name` must be lower case (integration client names are).
 */
export async function subscriberLogin(hub: HubProcess, name: string): Promise<{ clientId: string; username: string; password: string }> {
  const username = `test.${name}`;
  const created = await hub.request<{ secret: string }>('POST', '/api/mqtt-clients', { name: username, domains: [], towns: [], description: 'test subscriber' });
  if (created.status !== 201) throw new Error(`could not create integration client ${username}: ${created.status} ${JSON.stringify(created.body)}`);
  return { clientId: username, username, password: created.body.secret };
}
