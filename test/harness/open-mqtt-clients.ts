import { connect, IClientOptions, MqttClient, OnMessageCallback } from 'mqtt';

/**
 * Connects without automatic reconnects (a test decides when a client comes back), with `onMessage` listening before
 * the CONNACK: what a restored session gets can arrive in the same read as the CONNACK, and a listener added once
 * connectAsync resolved would miss it (while the client still acknowledges it).
 */
export async function connectListening(url: string, options: IClientOptions, onMessage?: OnMessageCallback): Promise<MqttClient> {
  const client = connect(url, { reconnectPeriod: 0, ...options });
  if (onMessage !== undefined) client.on('message', onMessage);
  // Settles as mqtt's connectAsync does: on CONNACK or end, and rejects (ending the client) on an error.
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      client.off('connect', onConnect).off('end', onEnd).off('error', onError);
      if (error === undefined) resolve();
      else {
        client.end();
        reject(error);
      }
    };
    const onConnect = (): void => settle();
    const onEnd = (): void => settle();
    const onError = (error: Error): void => settle(error);
    client.on('connect', onConnect).on('end', onEnd).on('error', onError);
  });
  return client;
}

/** The MQTT clients a test file opened, so that they are all closed together after each test or after the file. */
export class OpenMqttClients {
  private readonly clients: MqttClient[] = [];

  /** Tracks a client opened elsewhere (e.g. by connectDevice) and hands it back. */
  keep(client: MqttClient): MqttClient {
    this.clients.push(client);
    return client;
  }

  /** connectListening, and tracks the client. */
  async connect(url: string, options: IClientOptions, onMessage?: OnMessageCallback): Promise<MqttClient> {
    return this.keep(await connectListening(url, options, onMessage));
  }

  /** Closes every tracked client at once (forced: nothing is waited for). */
  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.endAsync(true)));
  }
}
