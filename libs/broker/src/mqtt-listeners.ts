import { createServer as createHttpServer, IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer as createTlsServer, Server as TlsServer } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';

export interface MqttListenerOptions {
  readonly host: string;
  /** Plain MQTT over TCP; null: none. */
  readonly port: number | null;
  /** MQTT over WebSocket (wss when `tls` is given); null: none. */
  readonly wsPort: number | null;
  /** MQTT over TLS; null: none. */
  readonly tlsPort: number | null;
  readonly tls: { readonly certificate: Buffer; readonly privateKey: Buffer } | null;
}

export interface MqttListenerEvents {
  /** Every raw TCP connection, before TLS or MQTT: false closes it at once. */
  admit(socket: Socket): boolean;
  /** A connection ready to speak MQTT. */
  connection(stream: Duplex, remoteAddress: string | undefined, request?: IncomingMessage): void;
  /** A TLS handshake that failed (plaintext on a TLS port, an untrusting client, a timeout). */
  tlsFailure(error: Error, remoteAddress: string | undefined): void;
}

/** A client that has not finished its TLS handshake by then is dropped: a stalled handshake holds a socket. */
const TLS_HANDSHAKE_TIMEOUT_MS = 20_000;

/**
 * The broker's transports: MQTT over TCP, over TLS, and over WebSocket (ws or wss), each optional. The only code that
 * touches net, tls, http(s) and ws. Nagle is off everywhere: small PUBACKs would otherwise wait for the next segment
 * (measured: ~20 % more readings/s).
 */
export class MqttListeners {
  private readonly servers: Array<TcpServer | TlsServer | HttpServer> = [];
  /** Every raw socket still open, also those mid-TLS-handshake or not yet upgraded, which aedes does not know of. */
  private readonly sockets = new Set<Socket>();
  private wsServer: WebSocketServer | null = null;
  tcpPort: number | null = null;
  tlsPort: number | null = null;
  wsPort: number | null = null;

  constructor(private readonly events: MqttListenerEvents) {}

  get listening(): boolean {
    return this.servers.length > 0 && this.servers.every((server) => server.listening);
  }

  async open(options: MqttListenerOptions): Promise<void> {
    if (options.port !== null) {
      const server = createTcpServer({ noDelay: true }, (socket) => {
        if (this.events.admit(socket)) this.events.connection(socket, socket.remoteAddress);
        else socket.destroy();
      });
      this.tcpPort = await this.listen(server, options.port, options.host);
    }
    const tls = options.tls === null ? null : { key: options.tls.privateKey, cert: options.tls.certificate, minVersion: 'TLSv1.2' as const, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS };
    if (tls !== null && options.tlsPort !== null) {
      const server = createTlsServer(tls, (socket) => {
        socket.setNoDelay(true);
        this.events.connection(socket, socket.remoteAddress);
      });
      this.gateRawConnections(server);
      this.tlsPort = await this.listen(server, options.tlsPort, options.host);
    }
    if (options.wsPort !== null) {
      const server = tls === null ? createHttpServer() : createHttpsServer(tls);
      this.gateRawConnections(server);
      this.wsServer = new WebSocketServer({ server });
      this.wsServer.on('connection', (socket, request) => {
        request.socket.setNoDelay(true);
        this.events.connection(createWebSocketStream(socket), request.socket.remoteAddress, request);
      });
      this.wsPort = await this.listen(server, options.wsPort, options.host);
    }
  }

  /** Stops listening and closes every connection (server.close() alone would wait for them). */
  async close(): Promise<void> {
    for (const socket of this.wsServer?.clients ?? []) socket.terminate();
    const closing: Promise<void>[] = this.servers.map((server) => new Promise((resolve) => server.close(() => resolve())));
    if (this.wsServer !== null) {
      const wsServer = this.wsServer;
      closing.push(new Promise((resolve) => wsServer.close(() => resolve())));
    }
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(closing);
  }

  /**
   * Applies `admit` to the raw TCP socket before the server (TLS, HTTP) starts on it, so a flood costs no handshake;
   * and reports failed TLS handshakes.
   */
  private gateRawConnections(server: TlsServer | HttpServer): void {
    server.prependListener('connection', (socket: Socket) => {
      if (!this.events.admit(socket)) socket.destroy();
    });
    server.on('tlsClientError', (error: Error, socket: Socket) => {
      // A socket closed by admit() ends its handshake too: not a TLS failure.
      if (!socket.destroyed || (error as NodeJS.ErrnoException).code !== 'ECONNRESET') this.events.tlsFailure(error, socket.remoteAddress);
    });
  }

  private listen(server: TcpServer | TlsServer | HttpServer, port: number, host: string): Promise<number> {
    this.servers.push(server);
    server.prependListener('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }
}
