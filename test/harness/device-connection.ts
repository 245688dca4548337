import { connectAsync, IClientOptions, MqttClient } from 'mqtt';
import type { Domain } from '@hub/contract';
import { HubProcess } from './hub-process';
import { deviceLogin } from './provision';

export interface TestDevice {
  readonly domain: Domain;
  readonly deviceId: string;
}

/** How a test connects to the service as a field device: provisioned through the API (once), then logged in with its secret. */
export async function connectDevice(hub: HubProcess, device: TestDevice, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, device.deviceId, device.domain)), clean: true, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
}
