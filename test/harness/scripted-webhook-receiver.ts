import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  readonly status: number;
  readonly body: string;
}

const OK: ScriptedAnswer = { status: 200, body: '{"ok":true}' };

/**
 * Webhook contact points' far end on 127.0.0.1: each contact point posts to its own path (`urlOf(name)`); each path
 * answers its scripted answers in turn, then 200 `{"ok":true}`. Counts the posts per path.
 */
export class ScriptedWebhookReceiver {
  readonly script = new Map<string, ScriptedAnswer[]>();
  readonly posts = new Map<string, number>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScriptedWebhookReceiver> {
    let receiver: ScriptedWebhookReceiver | undefined;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const name = (request.url ?? '/').slice(1);
        receiver?.posts.set(name, (receiver.posts.get(name) ?? 0) + 1);
        const answer = receiver?.script.get(name)?.shift() ?? OK;
        response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
      });
    });
    receiver = new ScriptedWebhookReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  urlOf(contactPoint: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${contactPoint}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
