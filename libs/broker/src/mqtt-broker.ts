import { HubLogger } from '../../common/src/hub-logger';
import { Aedes, Client } from 'aedes';
import { createServer as createHttpServer, IncomingMessage, Server as HttpServer } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer } from 'node:net';
import { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { IngestService, PublishingClient } from '../../pipeline/src/ingest.service';
import { DevicePresence } from '../../pipeline/src/device-presence';
import { MqttPacketSizeMeter } from './mqtt-packet-size.meter';
import { forwardOnlyToSubscribers } from './forward-only-to-subscribers';

export interface BrokerListenOptions {
  readonly host: string;
  readonly port: number;
  /** null: no WebSocket listener. */
  readonly wsPort: number | null;
  /** A packet announcing more is refused before its body is read, and its connection closed. */
  readonly maxPacketBytes: number;
}

export interface BrokerCounters {
  clientErrors: number;
  connectionErrors: number;
  oversizedPackets: number;
}

/** Stand-in for the client when aedes publishes the will of a client that is already gone (client === null). */
const DEPARTED_CLIENT: PublishingClient = { id: '(will of a departed client)' };

/**
 * The embedded MQTT 3.1.1 broker (aedes) on TCP and WebSocket. The only code that touches aedes, net and ws.
 * Telemetry is handled inside authorizePublish because aedes sends the QoS 1 PUBACK as soon as that hook calls back
 * (before subscribers or the `published` hook run): the callback is held until the pipeline has accepted the reading.
 */
export class MqttBroker {
  private aedes: Aedes | null = null;
  private tcpServer: TcpServer | null = null;
  private httpServer: HttpServer | null = null;
  private wsServer: WebSocketServer | null = null;
  readonly counters: BrokerCounters = { clientErrors: 0, connectionErrors: 0, oversizedPackets: 0 };
  tcpPort: number | null = null;
  wsPort: number | null = null;

  constructor(
    private readonly ingest: IngestService,
    private readonly presence: DevicePresence,
    private readonly logger: HubLogger,
  ) {}

  get connectedClients(): number {
    return this.aedes?.connectedClients ?? 0;
  }

  get listening(): boolean {
    return this.tcpServer?.listening ?? false;
  }

  async start(options: BrokerListenOptions): Promise<void> {
    // Payloads of messages that held nothing valid: acknowledged (and dead-lettered) but not forwarded.
    const refused = new WeakSet<Buffer>();
    const aedes = await Aedes.createBroker({
      // A device may buffer a burst before its CONNACK; more than this is abuse.
      queueLimit: 1000,
      authorizePublish: (client, packet, callback) => {
        if (packet.topic.startsWith('$')) {
          // [MQTT-4.7.2-1] $-topics are the server's; a client publishing there is refused and disconnected.
          callback(new Error(`publishing to ${packet.topic.slice(0, 64)} is not allowed`));
          return;
        }
        const payload = packet.payload as Buffer;
        // PUBACKs released together (a batch became durable) leave in one write per connection without help:
        // mqtt-packet corks the socket for each packet it writes and uncorks on the next tick.
        if (!this.ingest.handlePublish(client ?? DEPARTED_CLIENT, packet.topic, payload, callback)) refused.add(payload);
      },
      // aedes copies the packet for delivery but keeps the payload buffer, so a refused message is known by it.
      authorizeForward: (_client, packet) => (refused.has(packet.payload as Buffer) ? null : packet),
    });
    forwardOnlyToSubscribers(aedes);
    aedes.on('client', (client: Client) => this.presence.clientConnected(client.id));
    aedes.on('clientDisconnect', (client: Client) => this.presence.clientDisconnected(client.id));
    aedes.on('clientError', (client: Client, error: Error) => {
      this.counters.clientErrors++;
      this.logger.warn({ msg: 'MQTT client error', clientId: client.id, error: error.message });
    });
    aedes.on('connectionError', (client: Client, error: Error) => {
      this.counters.connectionErrors++;
      this.logger.warn({ msg: 'MQTT connection error', clientId: client.id, error: error.message });
    });
    this.aedes = aedes;

    // Nagle off: small PUBACKs would otherwise wait for the next segment (measured: ~20 % more readings/s).
    const handle = (connection: Duplex, remoteAddress: string | undefined, request?: IncomingMessage): void => {
      aedes.handle(this.meter(connection, options.maxPacketBytes, remoteAddress), request);
    };
    this.tcpServer = createTcpServer({ noDelay: true }, (socket) => handle(socket, socket.remoteAddress));
    this.tcpPort = await listen(this.tcpServer, options.port, options.host);
    this.logger.log(`MQTT listening on ${options.host}:${this.tcpPort}`);

    if (options.wsPort !== null) {
      const httpServer = createHttpServer();
      this.wsServer = new WebSocketServer({ server: httpServer });
      this.wsServer.on('connection', (socket, request) => handle(createWebSocketStream(socket), request.socket.remoteAddress, request));
      this.httpServer = httpServer;
      this.wsPort = await listen(httpServer, options.wsPort, options.host);
      this.logger.log(`MQTT over WebSocket listening on ${options.host}:${this.wsPort}`);
    }
  }

  /**
   * Meters the connection's packet sizes: aedes has no maximum packet size and would buffer any PUBLISH whole
   * before authorizePublish sees it. aedes pulls data with read(), so the meter sees every chunk it takes; an
   * oversized packet closes the connection and is dead-lettered before its body is buffered.
   */
  private meter(connection: Duplex, maxPacketBytes: number, remoteAddress: string | undefined): Duplex {
    const meter = new MqttPacketSizeMeter(maxPacketBytes);
    const read = connection.read.bind(connection);
    connection.read = (size?: number) => {
      const chunk = read(size) as Buffer | null;
      if (chunk === null || connection.destroyed) return chunk;
      const error = meter.inspect(chunk);
      if (error === null) return chunk;
      const clientId = (connection as Duplex & { client?: Client }).client?.id;
      this.counters.oversizedPackets++;
      this.ingest.refuseOversizedPacket(clientId, remoteAddress, error.message);
      this.logger.warn({ msg: 'Closing an MQTT connection', clientId, remoteAddress, error: error.message });
      connection.destroy();
      return null;
    };
    return connection;
  }

  /** Publishes a message from the service itself (not through authorizePublish). */
  publish(topic: string, payload: string, qos: 0 | 1 = 0, retain = false): Promise<void> {
    const aedes = this.aedes;
    if (aedes === null) return Promise.reject(new Error('broker is not started'));
    return new Promise((resolve, reject) =>
      aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false }, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Stops listening and closes every client connection. */
  async stop(): Promise<void> {
    const closing: Promise<void>[] = [];
    if (this.wsServer) {
      for (const socket of this.wsServer.clients) socket.terminate();
      closing.push(new Promise((resolve) => this.wsServer?.close(() => resolve())));
    }
    if (this.httpServer) closing.push(new Promise((resolve) => this.httpServer?.close(() => resolve())));
    if (this.tcpServer) closing.push(new Promise((resolve) => this.tcpServer?.close(() => resolve())));
    if (this.aedes) {
      const aedes = this.aedes;
      closing.push(new Promise((resolve) => aedes.close(() => resolve())));
    }
    await Promise.all(closing);
  }
}

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
