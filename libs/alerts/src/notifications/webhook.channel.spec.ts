import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { type AlertNotification, toAlertView } from '../lifecycle/alert.view';
import { anAlert } from '../testing/alert-fixtures';
import { NotificationDeliveryError } from './notification-channel';
import { WebhookChannel } from './webhook.channel';

const NOTIFICATION: AlertNotification = {
  eventId: 42,
  event: 'fired',
  at: '2026-01-15T12:00:01.000Z',
  actor: 'system',
  note: null,
  previousState: null,
  alert: toAlertView(anAlert({ id: 7 })),
};

describe('WebhookChannel (real HTTP)', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; delayMs?: number };
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        setTimeout(() => response.writeHead(answer.status).end('upstream says no'), answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts?token=s3cret`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    received.length = 0;
    answer = { status: 204 };
  });

  it('POSTs the notification as JSON with its event id', async () => {
    await new WebhookChannel(url, 0, 1000).deliver(NOTIFICATION);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0].body)).toEqual(NOTIFICATION);
    expect(received[0].headers).toMatchObject({ 'content-type': 'application/json', 'x-hub-event-id': '42' });
  });

  it('tells retryable failures (5xx, 429, timeouts, refused connections) from permanent ones', async () => {
    const outcome = async (channel: WebhookChannel): Promise<[boolean, string]> => {
      try {
        await channel.deliver(NOTIFICATION);
        return [true, 'delivered'];
      } catch (error) {
        if (!(error instanceof NotificationDeliveryError)) throw error;
        return [error.retryable, error.message];
      }
    };
    const channel = new WebhookChannel(url, 0, 1000);
    const target = url.split('?')[0];
    answer = { status: 500 };
    expect(await outcome(channel)).toEqual([true, `POST ${target} answered 500: upstream says no`]);
    answer = { status: 429 };
    expect((await outcome(channel))[0]).toBe(true);
    answer = { status: 404 };
    expect(await outcome(channel)).toEqual([false, `POST ${target} answered 404: upstream says no`]);
    answer = { status: 204, delayMs: 300 };
    expect(await outcome(new WebhookChannel(url, 0, 100))).toEqual([true, expect.stringContaining(`POST ${target} failed`)]);
    expect((await outcome(new WebhookChannel('http://127.0.0.1:1/nothing', 0, 1000)))[0]).toBe(true);
  });

  it('keeps the URL’s token out of its label and log target', () => {
    const channel = new WebhookChannel(url, 1, 1000);
    expect(channel.label).toBe('webhook-2');
    expect(channel.target).toBe(url.split('?')[0]);
    expect(channel.key).toMatch(/^webhook:[0-9a-f]{16}$/);
    expect(channel.key).not.toContain('s3cret');
  });
});
