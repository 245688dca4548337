import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { connectAsync, MqttClient } from 'mqtt';
import type { AlertEventView, AlertNotification, AlertView, AlertRuleDocument } from '@hub/alerts';
import type { Domain } from '@hub/contract';
import { HubProcess } from './hub-process';
import { deviceLogin, subscriberLogin } from './provision';

/** The alert API of a running hub, and the outside parties it notifies, for integration tests. */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

export async function call<T>(hub: HubProcess, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const response = await fetch(`${hub.httpUrl}${path}`, {
    method,
    headers: body === undefined ? hub.adminHeaders : { 'content-type': 'application/json', ...hub.adminHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Creates a rule and fails the test with the service's answer when it is refused. */
export async function createRule(hub: HubProcess, document: Record<string, unknown>): Promise<AlertRuleDocument> {
  const answer = await call<AlertRuleDocument>(hub, 'POST', '/api/alert-rules', document);
  if (answer.status !== 201) throw new Error(`rule refused (${answer.status}): ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function alertsOf(hub: HubProcess, query: string): Promise<AlertView[]> {
  const answer = await call<{ items: AlertView[] }>(hub, 'GET', `/api/alerts?${query}`);
  if (answer.status !== 200) throw new Error(`GET /api/alerts?${query} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.items;
}

export async function historyOf(hub: HubProcess, alertId: number): Promise<AlertEventView[]> {
  return (await call<AlertEventView[]>(hub, 'GET', `/api/alerts/${alertId}/history`)).body;
}

/** A department's system subscribed to the hub's alert topics over real MQTT. */
export class AlertSubscriber {
  readonly received: Array<{ topic: string; notification: AlertNotification }> = [];

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => this.received.push({ topic, notification: JSON.parse(payload.toString('utf8')) as AlertNotification }));
  }

  static async connect(hub: HubProcess, topic = 'alerts/#'): Promise<AlertSubscriber> {
    const client = await connectAsync(hub.mqttUrl, { ...(await subscriberLogin(hub, `alert-subscriber-${process.pid}-${Date.now()}`)), reconnectPeriod: 200 });
    const subscriber = new AlertSubscriber(client);
    await client.subscribeAsync(topic, { qos: 1 });
    return subscriber;
  }

  of(deviceId: string): Array<{ topic: string; notification: AlertNotification }> {
    return this.received.filter((message) => message.notification.alert.deviceId === deviceId);
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

/** A small webhook receiver: answers each POST with the next scripted status (then 204), and keeps what came. */
export class WebhookReceiver {
  readonly received: Array<{ status: number; eventId: string | undefined; notification: AlertNotification }> = [];
  readonly script: number[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const status = receiver?.script.shift() ?? 204;
        const eventId = request.headers['x-hub-event-id'];
        receiver?.received.push({ status, eventId: typeof eventId === 'string' ? eventId : undefined, notification: JSON.parse(body) as AlertNotification });
        response.writeHead(status).end();
      });
    });
    receiver = new WebhookReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/alerts`;
  }

  of(deviceId: string): Array<{ status: number; eventId: string | undefined; notification: AlertNotification }> {
    return this.received.filter((entry) => entry.notification.alert.deviceId === deviceId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A device driven by the test: publishes the given values one by one at its own pace, QoS 1, with event times. */
export class ScriptedDevice {
  private constructor(
    private readonly client: MqttClient,
    readonly domain: string,
    readonly deviceId: string,
  ) {}

  /** Provisions the device (once per hub) and connects it with its credentials. */
  static async connect(hub: HubProcess, domain: Domain, deviceId: string, profile: { town?: string; site?: string } = {}): Promise<ScriptedDevice> {
    return new ScriptedDevice(await connectAsync(hub.mqttUrl, { ...(await deviceLogin(hub, deviceId, domain, profile)), reconnectPeriod: 200 }), domain, deviceId);
  }

  /** Publishes `metrics` once per `intervalMs`, `count` times, with ts = the wall clock; resolves after the last PUBACK. */
  async report(metrics: Record<string, number>, count: number, intervalMs: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      await this.client.publishAsync(`sensors/${this.domain}/${this.deviceId}/telemetry`, JSON.stringify({ ts: Date.now(), metrics }), { qos: 1 });
      if (index < count - 1) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** Publishes `payload` as it is, once, QoS 1; resolves on the PUBACK (a refused reading is acknowledged too). */
  async publishRaw(payload: string): Promise<void> {
    await this.client.publishAsync(`sensors/${this.domain}/${this.deviceId}/telemetry`, payload, { qos: 1 });
  }

  /**
   * Publishes one batch of readings taken every `stepMs` from `sinceMs` ago until now, as a device that buffered
   * them would: rules judge them at their event times, so a for-duration of minutes is met without waiting minutes.
   */
  async backfill(metrics: Record<string, number>, sinceMs: number, stepMs: number): Promise<void> {
    const now = Date.now();
    const batch: Array<{ ts: number; metrics: Record<string, number> }> = [];
    for (let ts = now - sinceMs; ts <= now; ts += stepMs) batch.push({ ts, metrics });
    await this.client.publishAsync(`sensors/${this.domain}/${this.deviceId}/telemetry`, JSON.stringify(batch), { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
