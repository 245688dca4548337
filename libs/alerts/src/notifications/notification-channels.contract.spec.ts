import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { alertTopic } from '../lifecycle/alert.view';
import { describeNotificationChannelContract, ReceivedNotification } from '../testing/notification-channel.contract';
import { MqttAlertChannel, ServicePublish } from './mqtt-alert.channel';
import { WebhookChannel } from './webhook.channel';

describeNotificationChannelContract('WebhookChannel → real HTTP server on 127.0.0.1', async () => {
  const received: ReceivedNotification[] = [];
  let answer = { status: 204, delayMs: 0 };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ address: `${request.method} ${request.url} event ${request.headers['x-hub-event-id']} as ${request.headers['content-type']}`, body });
      setTimeout(() => response.writeHead(answer.status).end('upstream says no'), answer.delayMs);
    });
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/hooks/alerts?token=s3cret`;
  const target = `http://127.0.0.1:${port}/hooks/alerts`;
  const answering = (status: number, delayMs = 0) => async () => {
    answer = { status, delayMs };
  };
  // 2 s: long enough that twelve concurrent POSTs on a loaded CI machine are not cut off (200 ms was not), short enough
  // that the late-answer case below stays quick.
  const timeoutMs = 2_000;
  return {
    channel: new WebhookChannel(url, 0, timeoutMs),
    rebuild: () => new WebhookChannel(url, 0, timeoutMs),
    takeReceived: () => received.splice(0),
    addressOf: (notification) => `POST /hooks/alerts?token=s3cret event ${notification.eventId} as application/json`,
    failures: [
      { name: 'answers 503', begin: answering(503), end: answering(204), error: { retryable: true, message: `POST ${target} answered 503: upstream says no` } },
      { name: 'answers 429', begin: answering(429), end: answering(204), error: { retryable: true, message: `POST ${target} answered 429: upstream says no` } },
      { name: 'answers 404', begin: answering(404), end: answering(204), error: { retryable: false, message: `POST ${target} answered 404: upstream says no` } },
      {
        name: 'answers after the timeout',
        begin: answering(204, timeoutMs + 400),
        end: answering(204),
        error: { retryable: true, message: `POST ${target} failed: The operation was aborted due to timeout` },
      },
      {
        name: 'is down',
        // Closing also ends the client's kept-alive sockets; give it a moment to see that, or the next POST goes out on
        // a dead socket ("other side closed") instead of a new connection that is refused.
        begin: async () => {
          await close();
          await new Promise((resolve) => setTimeout(resolve, 50));
        },
        end: () => listen(port),
        error: { retryable: true, message: `POST ${target} failed: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})` },
      },
    ],
    secrets: ['s3cret', 'token', url, target],
    cleanup: close,
  };
});

describeNotificationChannelContract('MqttAlertChannel → the service publish port', async () => {
  const received: ReceivedNotification[] = [];
  let started = true;
  // The embedded broker's publish as MqttBroker.publish behaves: rejects until started, else takes the message.
  const publish: ServicePublish = async (topic, payload, qos, retain) => {
    if (!started) throw new Error('broker is not started');
    received.push({ address: `${topic} qos ${qos} retain ${retain}`, body: payload });
  };
  return {
    channel: new MqttAlertChannel(publish),
    rebuild: () => new MqttAlertChannel(publish),
    takeReceived: () => received.splice(0),
    addressOf: (notification) => `${alertTopic(notification.alert)} qos 1 retain false`,
    failures: [
      {
        name: 'broker not started',
        begin: async () => {
          started = false;
        },
        end: async () => {
          started = true;
        },
        error: { retryable: true, message: 'MQTT publish failed: broker is not started' },
      },
    ],
    secrets: [],
    cleanup: async () => undefined,
  };
});
