import { connectAsync, IClientOptions, MqttClient } from 'mqtt';

/** The MQTT clients a test file opened, so that they are all closed together after each test or after the file. */
export class OpenMqttClients {
  private readonly clients: MqttClient[] = [];

  /** Tracks a client opened elsewhere (e.g. by connectDevice) and hands it back. */
  keep(client: MqttClient): MqttClient {
    this.clients.push(client);
    return client;
  }

  /** Connects without automatic reconnects (a test decides when a client comes back) and tracks the client. */
  async connect(url: string, options: IClientOptions): Promise<MqttClient> {
    return this.keep(await connectAsync(url, { reconnectPeriod: 0, ...options }));
  }

  /** Closes every tracked client at once (forced: nothing is waited for). */
  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.endAsync(true)));
  }
}
