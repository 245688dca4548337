import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { generate, Packet, parser } from 'mqtt-packet';

export interface BrokerPublish {
  readonly clientId: string;
  readonly topic: string;
  readonly payload: string;
  readonly qos: number;
  readonly retain: boolean;
}

/**
 * Just enough of an MQTT 3.1.1 broker, over a real TCP socket, to test the simulator's connection handling in the
 * unit tier (aedes is ESM-only and does not load under jest): CONNECT/CONNACK, PUBLISH with PUBACK, PINGREQ,
 * DISCONNECT, and the last will on a connection lost without DISCONNECT. Built on mqtt-packet, MQTT.js's own codec.
 * No subscriptions, no QoS 2, no sessions: a test double, not a broker.
 */
export class MiniMqttBroker {
  readonly published: BrokerPublish[] = [];
  readonly willsPublished: BrokerPublish[] = [];
  readonly connects: Array<{ clientId: string; clean: boolean; will?: { topic: string; payload: string; retain: boolean } }> = [];
  /** Client ids with an open, accepted connection. */
  readonly connected = new Set<string>();
  /** Client ids that ended their connection with DISCONNECT, in order. */
  readonly cleanDisconnects: string[] = [];
  /** Client ids whose CONNECT is refused (CONNACK 5, not authorized). */
  readonly refuse = new Set<string>();
  /** While true, QoS 1 publishes are never acknowledged. */
  withholdAcks = false;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  telemetry(): BrokerPublish[] {
    return this.published.filter((entry) => entry.topic.endsWith('/telemetry'));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const packets = parser({ protocolVersion: 4 });
    let clientId = '';
    let will: BrokerPublish | undefined;
    let cleanDisconnect = false;
    const send = (packet: Packet): void => {
      if (!socket.destroyed) socket.write(generate(packet));
    };
    packets.on('packet', (packet: Packet) => {
      switch (packet.cmd) {
        case 'connect':
          clientId = packet.clientId;
          will = packet.will && { clientId, topic: packet.will.topic, payload: String(packet.will.payload), qos: packet.will.qos ?? 0, retain: packet.will.retain ?? false };
          if (this.refuse.has(clientId)) {
            // [MQTT-3.2.2-5] a non-zero return code is followed by closing the connection; nothing of it is kept.
            will = undefined;
            send({ cmd: 'connack', returnCode: 5, sessionPresent: false });
            socket.end();
            break;
          }
          this.connects.push({ clientId, clean: packet.clean ?? true, ...(will ? { will: { topic: will.topic, payload: will.payload, retain: will.retain } } : {}) });
          this.connected.add(clientId);
          send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
          break;
        case 'publish':
          this.published.push({ clientId, topic: packet.topic, payload: String(packet.payload), qos: packet.qos, retain: packet.retain });
          if (packet.qos === 1 && !this.withholdAcks) send({ cmd: 'puback', messageId: packet.messageId });
          break;
        case 'pingreq':
          send({ cmd: 'pingresp' });
          break;
        case 'disconnect':
          // [MQTT-3.14.4-3] a clean DISCONNECT discards the will.
          cleanDisconnect = true;
          this.cleanDisconnects.push(clientId);
          socket.end();
          break;
        default:
          break;
      }
    });
    socket.on('data', (chunk: Buffer) => packets.parse(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.connected.delete(clientId);
      // [MQTT-3.1.2-8] a connection closed without DISCONNECT publishes the will.
      if (!cleanDisconnect && will !== undefined) this.willsPublished.push(will);
    });
  }
}
