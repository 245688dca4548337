import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';

/**
 * One MQTT connection to a network server's broker, with QoS 1 PUBACKs left to the caller. The only file that
 * imports MQTT.js: the bridge's rules (when to acknowledge, reconnect, stop) are tested against a fake of this.
 */
export interface BrokerSessionOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly ca: string | null;
  readonly rejectUnauthorized: boolean;
  readonly connectTimeoutMs: number;
  readonly keepaliveSeconds: number;
}

export interface InboundMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: 0 | 1 | 2;
  /** Set for QoS 1: what `acknowledge` takes. */
  readonly messageId: number | undefined;
  /** The broker's DUP flag: sent before without a PUBACK coming back. */
  readonly redelivered: boolean;
}

export interface BrokerSessionEvents {
  /**
   * CONNACK: called before any PUBLISH of the session is handed on and before the promise resolves — a restored
   * session's messages can come in the same read as the CONNACK, ahead of the promise's callbacks.
   */
  onOpen(session: BrokerSession): void;
  /**
   * A PUBLISH arrived. MQTT.js reads the next packet only once `next` is called, so holding it is back-pressure
   * (the socket is not read meanwhile, PINGRESPs included); call it at once unless too many are held.
   */
  onMessage(message: InboundMessage, next: () => void): void;
  /** The connection is gone (once per session, after it was open); with the error that ended it, if one did. */
  onClose(error: Error | undefined): void;
}

export interface BrokerSession {
  /** The broker kept our subscriptions and unacknowledged messages from an earlier connection ([MQTT-3.2.2-2]). */
  readonly sessionPresent: boolean;
  /** QoS 1 subscriptions; rejects when the broker refuses one (SUBACK 0x80). */
  subscribe(filters: readonly string[]): Promise<void>;
  unsubscribe(filters: readonly string[]): Promise<void>;
  /** A QoS 1 PUBLISH (a downlink command); resolves on the broker's PUBACK, rejects when the connection is gone. */
  publish(topic: string, payload: string): Promise<void>;
  /**
   * Sends the PUBACK; false when this connection is closed (the broker will deliver the message again).
   * `written` is called once the PUBACK is handed to the socket, not if the connection drops first.
   */
  acknowledge(messageId: number, written: () => void): boolean;
  /**
   * Not forced: what was written (PUBACKs included) goes out, then DISCONNECT. Forced: the socket is dropped at
   * once, as a crash would, and PUBACKs still buffered are lost (the broker delivers those messages again).
   */
  close(force: boolean): Promise<void>;
}

export type OpenBrokerSession = (options: BrokerSessionOptions, events: BrokerSessionEvents) => Promise<BrokerSession>;

/** Tells MQTT.js's QoS 1 path to skip its own PUBACK; see `handleMessage` below. */
const ACK_HELD = new Error('PUBACK held until the sink answers');

/**
 * Resolves on CONNACK, rejects when the broker cannot be reached or refuses the CONNECT. Clean session off and a
 * stable client id: the broker keeps the session, subscriptions and undelivered or unacknowledged QoS 1 messages
 * across our restarts (MQTT 3.1.1 §3.1.2.4). No MQTT.js reconnects (reconnectPeriod 0): a new connection is a new
 * session object, so a late answer from the sink can never PUBACK a packet id on a connection it did not come from.
 */
export const openMqttBrokerSession: OpenBrokerSession = (options, events) =>
  new Promise((resolve, reject) => {
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: options.connectTimeoutMs,
      keepalive: options.keepaliveSeconds,
      resubscribe: false,
      rejectUnauthorized: options.rejectUnauthorized,
      ...(options.username === null ? {} : { username: options.username }),
      ...(options.password === null ? {} : { password: options.password }),
      ...(options.ca === null ? {} : { ca: options.ca }),
    };
    const client = connect(options.url, clientOptions);
    let lastError: Error | undefined;
    let opened = false;
    // MQTT.js handles one PUBLISH at a time: for QoS 1 it calls handleMessage and sends the PUBACK from its
    // callback, and reads the next packet only after that (client.js `work`/`nextTickWork`; customHandleAcks has
    // the same one-at-a-time callback). Holding the callback would hold the PUBACK but also every later packet:
    // one message in flight, and no PINGRESP read while the sink works. So the callback gets an error instead —
    // MQTT.js then sends no PUBACK and moves on (handlers/publish.js: `if (err) return done(err)`) — and the PUBACK
    // is sent by `acknowledge` once the sink has answered. test/integration/chirpstack-bridge.e2e-spec.ts checks
    // this against a real broker, so an MQTT.js upgrade that changes it fails there.
    client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void): void => {
      const message: InboundMessage = {
        topic: packet.topic,
        payload: toBytes(packet.payload),
        qos: packet.qos,
        messageId: packet.messageId,
        redelivered: packet.dup === true,
      };
      let released = false;
      const next = (): void => {
        if (released) return;
        released = true;
        if (packet.qos === 1) callback(ACK_HELD);
        else callback();
      };
      events.onMessage(message, next);
    };
    client.on('error', (error) => {
      lastError = error;
    });
    client.on('close', () => {
      if (!opened) {
        client.end(true);
        reject(lastError ?? new Error(`the connection to ${options.url} closed before the broker's CONNACK`));
        return;
      }
      opened = false;
      client.end(true);
      events.onClose(lastError);
    });
    client.once('connect', (connack) => {
      opened = true;
      const session = sessionOf(client, connack.sessionPresent);
      events.onOpen(session);
      resolve(session);
    });
  });

function sessionOf(client: MqttClient, sessionPresent: boolean): BrokerSession {
  return {
    sessionPresent,
    subscribe: async (filters) => {
      const granted = await client.subscribeAsync([...filters], { qos: 1 });
      const refused = granted.filter((grant) => grant.qos === 128).map((grant) => grant.topic);
      if (refused.length > 0) throw new Error(`the broker refused the subscription to ${refused.join(', ')} (SUBACK 0x80: not authorised?)`);
    },
    unsubscribe: async (filters) => {
      await client.unsubscribeAsync([...filters]);
    },
    publish: async (topic, payload) => {
      // Not queued for a later connection (MQTT.js would): the caller learns now that this one is gone.
      if (!client.connected) throw new Error('not connected to the network server');
      await client.publishAsync(topic, payload, { qos: 1 });
    },
    acknowledge: (messageId, written) => {
      // MQTT.js would queue a packet for a later connection when not connected; a PUBACK belongs to this one.
      if (!client.connected) return false;
      sendPacket(client, { cmd: 'puback', messageId }, (error) => {
        if (error === undefined || error === null) written();
      });
      return true;
    },
    close: (force) => client.endAsync(force),
  };
}

/**
 * MQTT.js has no public PUBACK; its private sender keeps its own bookkeeping (keepalive, 'packetsend') right and
 * calls back when the socket took the bytes.
 */
function sendPacket(client: MqttClient, packet: { cmd: 'puback'; messageId: number }, written: (error?: Error | null) => void): void {
  (client as unknown as { _sendPacket(packet: object, callback: (error?: Error | null) => void): void })._sendPacket(packet, written);
}

function toBytes(payload: Buffer | string): Uint8Array {
  return typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
}
