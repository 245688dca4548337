import { connect as connectMqtt, IClientOptions, MqttClient } from 'mqtt';
import type { Domain } from '@hub/contract';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { deviceLogin, subscriberLogin } from '../harness/provision';
import { waitFor } from '../harness/wait-for';
import { OpenMqttClients } from '../harness/open-mqtt-clients';

/**
 * The broker skips forwarding a message nobody subscribes to (libs/broker/src/forward-only-to-subscribers.ts).
 * These tests hold it to what MQTT owes subscribers: wildcard filters, persistent sessions that are offline when the
 * message arrives, and subscriptions made and dropped while devices publish.
 */
describe('forwarding to subscribers (real service, real MQTT)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;
  const clients = new OpenMqttClients();

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: 'hub_forwarding', HUB_WRITE_FLUSH_INTERVAL: '20ms' });
  });

  afterEach(async () => {
    await clients.closeAll();
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  const connectWith = (login: IClientOptions, clean = true): Promise<MqttClient> => clients.connect(hub.mqttUrl, { ...login, clean });
  /** A read-only integration client (`test.<name>`), created through the API. */
  const subscriber = async (name: string) => connectWith(await subscriberLogin(hub, name));
  /** A provisioned device. */
  const device = async (deviceId: string, domain: Domain) => connectWith(await deviceLogin(hub, deviceId, domain));
  const received = (client: MqttClient): string[] => {
    const messages: string[] = [];
    client.on('message', (topic, payload) => messages.push(`${topic} ${payload.toString()}`));
    return messages;
  };
  const reading = (ph: number) => JSON.stringify({ ts: Date.now(), metrics: { ph } });

  it('delivers through + and # filters, and stops once the last subscriber of a filter unsubscribed', async () => {
    const byDevice = await subscriber('scada-plus');
    const byDomain = await subscriber('scada-hash');
    const plus = received(byDevice);
    const hash = received(byDomain);
    await byDevice.subscribeAsync('sensors/+/fw-1/telemetry', { qos: 1 });
    await byDomain.subscribeAsync('sensors/water/#', { qos: 1 });
    const meter = await device('fw-1', 'water');
    const first = reading(7.1);
    await meter.publishAsync('sensors/water/fw-1/telemetry', first, { qos: 1 });
    await waitFor(async () => plus.length + hash.length, (count) => count >= 2, 5_000, 'both subscribers');

    await byDevice.unsubscribeAsync('sensors/+/fw-1/telemetry');
    const second = reading(7.2);
    await meter.publishAsync('sensors/water/fw-1/telemetry', second, { qos: 1 });
    await waitFor(async () => hash.length, (count) => count >= 2, 5_000, 'the remaining subscriber');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(plus).toEqual([`sensors/water/fw-1/telemetry ${first}`]);
    expect(hash).toEqual([`sensors/water/fw-1/telemetry ${first}`, `sensors/water/fw-1/telemetry ${second}`]);
  });

  it('queues QoS 1 messages for a persistent session while its client is offline, and delivers them on its return', async () => {
    const login = await subscriberLogin(hub, 'scada-persistent');
    const first = await connectWith(login, false);
    await first.subscribeAsync('sensors/gas/+/telemetry', { qos: 1 });
    await first.endAsync();

    const sensor = await device('fw-gas-1', 'gas');
    const payload = JSON.stringify({ ts: Date.now(), metrics: { methane_pct_lel: 3 } });
    await sensor.publishAsync('sensors/gas/fw-gas-1/telemetry', payload, { qos: 1 });

    // Listening before the session resumes: the queued message may come right after the CONNACK.
    const back = clients.keep(connectMqtt(hub.mqttUrl, { ...login, clean: false, reconnectPeriod: 0 }));
    const messages = received(back);
    await waitFor(async () => messages.length, (count) => count >= 1, 5_000, 'the queued message');
    expect(messages).toEqual([`sensors/gas/fw-gas-1/telemetry ${payload}`]);
  });

  it('acknowledges (PUBACK) and stores messages nobody subscribes to', async () => {
    const written = async () => (await hub.get<{ written: number }>('/api/ingest/stats')).body.written;
    const before = await written();
    const lonely = await device('fw-lonely', 'water');
    for (let n = 0; n < 20; n++) await lonely.publishAsync('sensors/water/fw-lonely/telemetry', reading(7 + n / 100), { qos: 1 });
    expect(await written()).toBe(before + 20);
  });
});
