import { connectAsync, IClientOptions, MqttClient } from 'mqtt';
import type { Domain } from '../../libs/contract/src';
import { HubProcess } from './hub-process';

export interface TestDevice {
  readonly domain: Domain;
  readonly deviceId: string;
}

/**
 * How a test connects to the service as a field device: the one place that knows how a device logs in. Today devices
 * connect without credentials; once devices authenticate, this provisions the device through the API and connects
 * with its secret, and every test that uses it follows.
 */
export async function connectDevice(hub: HubProcess, device: TestDevice, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(hub.mqttUrl, { clientId: device.deviceId, clean: true, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
}
