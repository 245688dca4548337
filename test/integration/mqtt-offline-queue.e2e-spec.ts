import { connect } from 'mqtt';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { connectDevice, connectIntegration, metricValue } from '../harness/mqtt-perimeter';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';

/**
 * A persistent session (clean=false) whose client is away gets at most HUB_MQTT_OFFLINE_QUEUE_LIMIT messages queued
 * in the service's memory; the rest are counted, not kept. The readings themselves are all stored.
 */
const DATABASE = 'mqtt_offline_queue';
const LIMIT = 50;
const SENT = 200;

describe('offline queues of persistent MQTT sessions (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
    hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_WRITE_FLUSH_INTERVAL: '20ms', HUB_MQTT_OFFLINE_QUEUE_LIMIT: String(LIMIT) });
  });

  afterAll(async () => {
    await hub?.cleanup();
    await influxd?.cleanup();
  });

  it('queues the first messages up to the limit for a client that is away, counts the rest, and stores every reading', async () => {
    const created = await hub.request<{ secret: string }>('POST', '/api/mqtt-clients', { name: 'water.historian', domains: ['water'] });
    expect(created.status).toBe(201);
    const session = { clean: false, clientId: 'water.historian' };
    const first = await connectIntegration(hub.mqttUrl, 'water.historian', created.body.secret, session);
    await first.subscribeAsync('sensors/water/+/telemetry', { qos: 1 });
    await first.endAsync();

    const device = await connectDevice(hub, hub.mqttUrl, 'queue-w-1', 'water');
    const ts = Date.now() - 60_000;
    for (let index = 0; index < SENT; index++) {
      await device.publishAsync('sensors/water/queue-w-1/telemetry', JSON.stringify({ ts: ts + index, metrics: { pressure_kpa: 300 + index } }), { qos: 1 });
    }
    await device.endAsync();
    const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'queue-w-1'), (readings) => readings.size === SENT, 10_000, `${SENT} readings in InfluxDB`);
    expect(stored.size).toBe(SENT);
    expect(metricValue((await hub.get<string>('/metrics')).body, 'hub_mqtt_offline_messages_dropped_total')).toBe(SENT - LIMIT);

    const received: number[] = [];
    // Listening before the session resumes: the queued messages come right after the CONNACK, before an awaited
    // connect would return.
    const back = connect(hub.mqttUrl, { clientId: 'water.historian', username: 'water.historian', password: created.body.secret, clean: false, reconnectPeriod: 0 });
    back.on('message', (_topic, payload) => received.push((JSON.parse(payload.toString()) as { metrics: { pressure_kpa: number } }).metrics.pressure_kpa));
    await waitFor(async () => received.length, (count) => count >= LIMIT, 10_000, `${LIMIT} queued messages delivered`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The oldest were kept, in order; nothing beyond the limit.
    expect(received).toEqual(Array.from({ length: LIMIT }, (_, index) => 300 + index));
    await back.endAsync();
  });
});
