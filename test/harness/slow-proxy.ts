import { AddressInfo, connect, createServer, Socket } from 'node:net';

/**
 * A TCP proxy in front of InfluxDB that holds every response chunk back for `delayMs` — a slow or overloaded
 * InfluxDB, as the service sees it. Requests go through at once; only answers are late.
 */
export class SlowProxy {
  delayMs = 0;
  port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((client) => this.relay(client));

  private constructor(private readonly upstreamPort: number) {}

  static async start(upstreamPort: number): Promise<SlowProxy> {
    const proxy = new SlowProxy(upstreamPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    for (const [socket, peer] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        peer.destroy();
      });
      socket.on('error', () => peer.destroy());
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (this.delayMs === 0) client.write(chunk);
      else setTimeout(() => client.writable && client.write(chunk), this.delayMs);
    });
  }
}
