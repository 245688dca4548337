import { connect, MqttClient } from 'mqtt';
import { DeviceLink, DeviceLinkFactory, DeviceLinkOptions } from './device-link';

/** The MQTT.js adapter behind DeviceLink: the only simulator file that imports mqtt. */
export class MqttDeviceLink implements DeviceLink {
  /** Set by close() and drop(): MQTT.js throws (not calls back) on a publish after end(), measured on mqtt 5.16 (a TypeError from its message id store). */
  private ended = false;
  /** Subscribed topic → who hears it. */
  private readonly handlers = new Map<string, (topic: string, payload: string) => void>();

  constructor(private readonly client: MqttClient) {}

  publish(topic: string, payload: string, options: { readonly qos: 0 | 1; readonly retain?: boolean }, done: (error?: Error) => void): void {
    if (this.ended) {
      setImmediate(() => done(new Error('link closed')));
      return;
    }
    this.client.publish(topic, payload, { qos: options.qos, retain: options.retain ?? false }, (error) => done(error ?? undefined));
  }

  subscribe(topics: readonly string[], onMessage: (topic: string, payload: string) => void): void {
    // One listener for the connection, each topic to its own handler: a gateway's connection carries its children's
    // commands and config, and each child must hear only its own.
    if (this.handlers.size === 0) this.client.on('message', (topic, payload) => this.handlers.get(topic)?.(topic, payload.toString('utf8')));
    for (const topic of topics) this.handlers.set(topic, onMessage);
    // A refused or failed subscription only means the device hears no commands; its readings go on.
    this.client.subscribe([...topics], { qos: 1 }, () => undefined);
  }

  close(timeoutMs: number): Promise<void> {
    this.ended = true;
    return new Promise((resolve) => {
      // end(false) waits for in-flight QoS 1 messages; a broker that never acks must not hold the run open.
      const fallback = setTimeout(() => {
        this.client.stream?.destroy();
        resolve();
      }, timeoutMs);
      this.client.end(false, {}, () => {
        clearTimeout(fallback);
        resolve();
      });
    });
  }

  drop(): void {
    // end(true) destroys the socket without sending DISCONNECT and cancels reconnection.
    this.ended = true;
    this.client.end(true);
  }
}

export const connectMqttDeviceLink: DeviceLinkFactory = (options: DeviceLinkOptions) =>
  new Promise<DeviceLink>((resolve, reject) => {
    const client = connect(options.url, {
      clientId: options.clientId,
      username: options.username,
      password: options.password,
      clean: options.clean,
      keepalive: options.keepaliveS,
      connectTimeout: options.connectTimeoutMs,
      reconnectPeriod: options.reconnectPeriodMs,
      protocolVersion: 4,
      will: options.will && { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: options.will.qos, retain: options.will.retain },
    });
    const timer = setTimeout(() => fail(new Error(`no CONNACK from ${options.url} within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
    const detach = (): void => {
      clearTimeout(timer);
      client.removeListener('connect', succeed);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      // Keep one listener so a late 'error' event is never unhandled.
      client.on('error', () => undefined);
    };
    const fail = (error: Error): void => {
      detach();
      client.end(true);
      reject(error);
    };
    const onError = (error: Error): void => fail(error);
    const onClose = (): void => fail(new Error(`connection to ${options.url} closed before CONNACK`));
    const succeed = (): void => {
      detach();
      // Later drops are handled by MQTT.js reconnection (reconnectPeriodMs); the caller only counts them.
      client.on('reconnect', () => options.onReconnect?.());
      resolve(new MqttDeviceLink(client));
    };
    client.once('connect', succeed);
    client.once('error', onError);
    client.once('close', onClose);
  });
