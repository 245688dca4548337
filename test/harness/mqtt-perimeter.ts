import { connect as connectTcp } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { connectAsync, IClientOptions, ISubscriptionMap, MqttClient } from 'mqtt';
import type { Domain } from '@hub/contract';
import type { HubProcess } from './hub-process';
import { deviceLogin } from './provision';

/** How the perimeter tests connect a device: provisioned in the hub's registry (once), then logged in with its secret. */
export async function connectDevice(hub: HubProcess, url: string, deviceId: string, domain: Domain, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(url, { ...(await deviceLogin(hub, deviceId, domain)), reconnectPeriod: 0, connectTimeout: 10_000, ...options });
}

/** An integration client (e.g. water.scada) logging in with its name and secret. */
export function connectIntegration(url: string, name: string, secret: string, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(url, { clientId: name, username: name, password: secret, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
}

/** The CONNACK return code a refused login got (MQTT.js puts it in the error's `code`), or the socket's error code. */
export async function refusedLogin(connecting: Promise<MqttClient>): Promise<number | string> {
  try {
    const client = await connecting;
    await client.endAsync();
    return 'accepted';
  } catch (error) {
    return (error as { code?: number | string }).code ?? String(error);
  }
}

/**
 * The SUBACK's return code for each filter, in order (128: refused). MQTT.js rejects a SUBSCRIBE with any refused
 * filter; the SUBACK is on the error.
 */
export async function grants(client: MqttClient, filters: ISubscriptionMap): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters)).map((grant) => grant.qos);
  } catch (error) {
    const granted = (error as { packet?: { granted?: Array<number | { reasonCode: number }> } }).packet?.granted;
    if (granted === undefined) throw error;
    return granted.map((grant) => (typeof grant === 'number' ? grant : grant.reasonCode));
  }
}

/** Resolves when the client's connection closes (e.g. the hub dropped it). */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
}

/**
 * One raw MQTT CONNECT on a fresh TCP socket: `connack` when the broker answered, `closed` when it closed the socket
 * without a word (refused at accept). Raw, so no client library retries or hides anything.
 */
export function rawConnect(port: number, clientId: string): Promise<'connack' | 'closed'> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    const parser = mqttPacket.parser();
    let answer: 'connack' | 'closed' = 'closed';
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connack') {
        answer = 'connack';
        socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
      }
    });
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
    socket.on('connect', () => socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: 30 })));
  });
}

/** A sample's value from a Prometheus text page, e.g. `hub_mqtt_logins_refused_total{code="in-backoff"}`; 0 when absent. */
export function metricValue(page: string, sample: string): number {
  const line = page.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}
