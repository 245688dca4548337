import { createServer as createHttpServer, IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer as createTlsServer, Server as TlsServer } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { ProxyHeaderRefusal } from '@hub/perimeter';
import { readProxyV2Header } from './proxy-protocol-header';

export interface MqttListenerOptions {
  readonly host: string;
  /** Plain MQTT over TCP; null: none. */
  readonly port: number | null;
  /**
   * Plain MQTT over TCP from a load balancer: every connection opens with a PROXY protocol v2 header, whose source
   * address stands for the connection's own everywhere (admit, logins, logs). Null or absent: none.
   */
  readonly proxyPort?: number | null;
  /** MQTT over WebSocket (wss when `tls` is given); null: none. */
  readonly wsPort: number | null;
  /** MQTT over TLS; null: none. */
  readonly tlsPort: number | null;
  readonly tls: { readonly certificate: Buffer; readonly privateKey: Buffer } | null;
}

export interface MqttListenerEvents {
  /**
   * Every raw TCP connection, before TLS or MQTT, by its remote address (on the PROXY port, the address its header
   * names): false closes it at once.
   */
  admit(remoteAddress: string | undefined): boolean;
  /** A connection ready to speak MQTT. */
  connection(stream: Duplex, remoteAddress: string | undefined, request?: IncomingMessage): void;
  /** A TLS handshake that failed (plaintext on a TLS port, an untrusting client, a timeout). */
  tlsFailure(error: Error, remoteAddress: string | undefined): void;
  /**
   * A connection on the PROXY port closed before MQTT: a LOCAL header (the balancer's own check), or a refused one.
   * `peerAddress` is the connection's own address (the balancer's, or whoever reached the port directly).
   */
  proxyHeaderClosed(outcome: 'local' | ProxyHeaderRefusal, peerAddress: string | undefined, detail: string | null): void;
}

/** A client that has not finished its TLS handshake by then is dropped: a stalled handshake holds a socket. */
const TLS_HANDSHAKE_TIMEOUT_MS = 20_000;
/**
 * A balancer writes the PROXY header with its first segment, right after the TCP handshake; a connection that has not
 * sent a whole one by then is stalled or hostile (slowloris) and is closed.
 */
export const PROXY_HEADER_TIMEOUT_MS = 5_000;

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
  proxyPort: number | null = null;
  tlsPort: number | null = null;
  wsPort: number | null = null;

  constructor(
    private readonly events: MqttListenerEvents,
    private readonly proxyHeaderTimeoutMs = PROXY_HEADER_TIMEOUT_MS,
  ) {}

  get listening(): boolean {
    return this.servers.length > 0 && this.servers.every((server) => server.listening);
  }

  async open(options: MqttListenerOptions): Promise<void> {
    if (options.port !== null) {
      const server = createTcpServer({ noDelay: true }, (socket) => {
        if (this.events.admit(socket.remoteAddress)) this.events.connection(socket, socket.remoteAddress);
        else socket.destroy();
      });
      this.tcpPort = await this.listen(server, options.port, options.host);
    }
    if (options.proxyPort !== undefined && options.proxyPort !== null) {
      const server = createTcpServer({ noDelay: true }, (socket) => this.readProxyHeader(socket));
      this.proxyPort = await this.listen(server, options.proxyPort, options.host);
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
   * Holds a PROXY-port connection until its PROXY v2 header is complete, then admits and hands it over under the
   * address the header names, with the bytes after the header put back for the MQTT parser. Nothing is handed over
   * without a valid header, and nothing waits longer than the header timeout.
   */
  private readProxyHeader(socket: Socket): void {
    let received: Buffer = Buffer.alloc(0);
    const peerAddress = socket.remoteAddress;
    // A reset during the wait is only the end of this connection; once handed over, aedes listens for errors itself.
    const ignoreError = (): void => undefined;
    const settle = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
    };
    const close = (outcome: 'local' | ProxyHeaderRefusal, detail: string | null): void => {
      settle();
      this.events.proxyHeaderClosed(outcome, peerAddress, detail);
      socket.destroy();
    };
    const onData = (chunk: Buffer): void => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const header = readProxyV2Header(received);
      if (header.kind === 'incomplete') return;
      if (header.kind === 'refused') return close(header.reason, header.detail);
      if (header.kind === 'local') return close('local', null);
      settle();
      // Paused, so that the bytes after the header wait in the socket's buffer (unshifted into a flowing stream they
      // would be emitted before anyone listens); aedes reads on 'readable' with read(), which paused mode serves.
      socket.pause();
      if (!this.events.admit(header.remoteAddress)) {
        socket.destroy();
        return;
      }
      socket.off('error', ignoreError);
      if (header.rest.length > 0) socket.unshift(header.rest);
      this.events.connection(socket, header.remoteAddress);
    };
    const timer = setTimeout(() => close('timeout', `no complete PROXY v2 header within ${this.proxyHeaderTimeoutMs} ms (${received.length} bytes received)`), this.proxyHeaderTimeoutMs);
    socket.once('close', () => clearTimeout(timer));
    socket.on('error', ignoreError);
    socket.on('data', onData);
  }

  /**
   * Applies `admit` to the raw TCP socket before the server (TLS, HTTP) starts on it, so a flood costs no handshake;
   * and reports failed TLS handshakes.
   */
  private gateRawConnections(server: TlsServer | HttpServer): void {
    server.prependListener('connection', (socket: Socket) => {
      if (!this.events.admit(socket.remoteAddress)) socket.destroy();
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
