import { connect as connectTcp } from 'node:net';
import mqttPacket from 'mqtt-packet';
import WebSocket from 'ws';
import type { IngestStatsSnapshot } from '@hub/pipeline';
import { HubProcess } from '../harness/hub-process';
import { InfluxdProcess } from '../harness/influxd-process';
import { connectDevice, connectIntegration, metricValue, rawConnect, refusedLogin } from '../harness/mqtt-perimeter';
import { deviceLogin } from '../harness/provision';
import { storedReadings } from '../harness/stored-readings';
import { waitFor } from '../harness/wait-for';

/**
 * The perimeter against the real service over real MQTT: a device over its publish rate is slowed, not dropped; one
 * that never lets up is disconnected; an address opening connections too fast has the surplus closed at accept; an
 * address guessing secrets is refused for a while. Limits are set low so that a few hundred messages show them.
 */
const DATABASE = 'mqtt_rate_limits';
const RATE = 50;
const BURST = 25;

describe('MQTT rate limits and back-off (real service, real MQTT, real influxd)', () => {
  let influxd: InfluxdProcess;

  beforeAll(async () => {
    influxd = await InfluxdProcess.start();
  });

  afterAll(() => influxd?.cleanup());

  describe('per-client publish rate and failed-login back-off', () => {
    let hub: HubProcess;

    beforeAll(async () => {
      hub = await HubProcess.start({
        INFLUX_URL: influxd.url,
        INFLUX_DATABASE: DATABASE,
        HUB_WRITE_FLUSH_INTERVAL: '20ms',
        HUB_MQTT_RATE_LIMIT: String(RATE),
        HUB_MQTT_RATE_BURST: String(BURST),
        HUB_MQTT_RATE_ABUSE_AFTER: '4s',
        HUB_MQTT_LOGIN_FAILURES: '5',
        HUB_MQTT_LOGIN_FAILURE_WINDOW: '1m',
        HUB_MQTT_LOGIN_BLOCK: '3s',
      });
    });

    afterAll(() => hub?.cleanup());

    const metrics = async () => (await hub.get<string>('/metrics')).body;
    const stats = async () => (await hub.get<IngestStatsSnapshot>('/api/ingest/stats')).body;

    it('slows a QoS 1 device far over its rate to about the rate, and loses nothing', async () => {
      const throttledBefore = metricValue(await metrics(), 'hub_mqtt_messages_throttled_total');
      const device = await connectDevice(hub, hub.mqttUrl, 'rate-w-1', 'water');
      const ts = Date.now() - 60_000;
      let acked = 0;
      const started = Date.now();
      const all = Array.from({ length: 150 }, (_, index) =>
        device.publishAsync('sensors/water/rate-w-1/telemetry', JSON.stringify({ ts: ts + index, metrics: { pressure_kpa: 400 + index } }), { qos: 1 }).then(() => acked++),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const [sampledAcks, elapsedMs] = [acked, Date.now() - started];
      // The burst at once, then the rate: PUBACKs can lag that (the pipeline), never lead it.
      expect(sampledAcks).toBeLessThanOrEqual(BURST + (RATE * elapsedMs) / 1000 + 5);
      expect(sampledAcks).toBeLessThan(150);
      await Promise.all(all);
      expect((Date.now() - started) / 1000).toBeGreaterThanOrEqual((150 - BURST) / RATE - 0.2);
      await device.endAsync();

      const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'rate-w-1'), (readings) => readings.size === 150, 10_000, '150 readings in InfluxDB');
      expect(stored.get(`rate-w-1@${ts + 149}`)).toEqual({ pressure_kpa: 549 });
      expect(metricValue(await metrics(), 'hub_mqtt_messages_throttled_total') - throttledBefore).toBeGreaterThanOrEqual(100);
    });

    it('slows QoS 0 the same way instead of dropping it', async () => {
      const before = await stats();
      const device = await connectDevice(hub, hub.mqttUrl, 'rate-w-2', 'water');
      const ts = Date.now() - 60_000;
      for (let index = 0; index < 150; index++) device.publish('sensors/water/rate-w-2/telemetry', JSON.stringify({ ts: ts + index, metrics: { pressure_kpa: 300 + index } }), { qos: 0 });
      const stored = await waitFor(() => storedReadings(influxd, DATABASE, 'rate-w-2'), (readings) => readings.size === 150, 15_000, '150 QoS 0 readings in InfluxDB');
      expect(stored.size).toBe(150);
      expect((await stats()).received - before.received).toBe(150);
      await device.endAsync();
    });

    it('disconnects a client that floods without letting up, having let through only about the rate meanwhile', async () => {
      const before = await stats();
      const flood = await floodUntilClosed(hub.ports.mqttPort, await deviceLogin(hub, 'rate-flood-1', 'water'), 15_000);
      expect(flood.closedByHub).toBe(true);
      // Closed once 4 s over the rate without a break (a little later: checked as messages come in).
      expect(flood.seconds).toBeGreaterThanOrEqual(3.5);
      expect(flood.sent).toBeGreaterThan(10 * (BURST + RATE * flood.seconds));
      const received = (await stats()).received - before.received;
      expect(received).toBeGreaterThanOrEqual(BURST);
      expect(received).toBeLessThanOrEqual(BURST + RATE * flood.seconds + 5);
      expect(metricValue(await metrics(), 'hub_mqtt_rate_limit_disconnects_total')).toBe(1);
    });

    it('refuses an address for a while after repeated refused logins, whatever it then presents', async () => {
      const created = await hub.request<{ secret: string }>('POST', '/api/mqtt-clients', { name: 'water.test', domains: ['water'] });
      const secret = created.body.secret;
      const attempts: Array<number | string> = [];
      for (let attempt = 0; attempt < 5; attempt++) attempts.push(await refusedLogin(connectIntegration(hub.mqttUrl, 'water.test', 'not-the-secret')));
      expect(attempts).toEqual([4, 4, 4, 4, 4]);
      // The sixth login would be right, but the address is in back-off: not authorized, credentials not looked at.
      expect(await refusedLogin(connectIntegration(hub.mqttUrl, 'water.test', secret))).toBe(5);
      const page = await metrics();
      expect(metricValue(page, 'hub_mqtt_logins_refused_total{code="bad-username-or-password"}')).toBe(5);
      expect(metricValue(page, 'hub_mqtt_logins_refused_total{code="in-backoff"}')).toBe(1);
      expect(metricValue(page, 'hub_mqtt_login_backoffs_total')).toBe(1);
      expect(metricValue(page, 'hub_mqtt_addresses_in_backoff')).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 3100));
      expect(await refusedLogin(connectIntegration(hub.mqttUrl, 'water.test', secret))).toBe('accepted');
      expect(metricValue(await metrics(), 'hub_mqtt_addresses_in_backoff')).toBe(0);
    });
  });

  it('closes at accept the connections one address opens beyond its burst, on every listener, counting each', async () => {
    const hub = await HubProcess.start({ INFLUX_URL: influxd.url, INFLUX_DATABASE: DATABASE, HUB_MQTT_CONNECT_RATE: '0.001', HUB_MQTT_CONNECT_BURST: '8' });
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => rawConnect(hub.ports.mqttPort, `flood-${index}`)));
      expect(answers.filter((answer) => answer === 'connack')).toHaveLength(8);
      expect(answers.filter((answer) => answer === 'closed')).toHaveLength(12);
      // The WebSocket listener shares the address's bucket: closed before the upgrade.
      expect(await webSocketOpens(hub.wsUrl)).toBe(false);
      const page = (await hub.get<string>('/metrics')).body;
      expect(metricValue(page, 'hub_mqtt_connections_throttled_total')).toBe(13);
      expect(hub.output).toContain('Too many new MQTT connections from one address: closing them at accept');
      expect(hub.output.match(/Too many new MQTT connections/g)).toHaveLength(1);
    } finally {
      await hub.cleanup();
    }
  });
});

/**
 * One raw connection publishing QoS 0 telemetry as fast as TCP lets it, until the hub closes it or `limitMs` passes.
 * Raw (mqtt-packet on a socket) so nothing between the test and the hub buffers or paces the flood.
 */
function floodUntilClosed(port: number, login: { clientId: string; username: string; password: string }, limitMs: number): Promise<{ closedByHub: boolean; seconds: number; sent: number }> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.setNoDelay(true);
    const packet = mqttPacket.generate({
      cmd: 'publish',
      topic: `sensors/water/${login.clientId}/telemetry`,
      payload: Buffer.from(JSON.stringify({ metrics: { pressure_kpa: 400 } })),
      qos: 0,
      dup: false,
      retain: false,
    });
    let sent = 0;
    let started = 0;
    let stopped = false;
    const pump = (): void => {
      while (!stopped && socket.write(packet)) sent++;
    };
    const timer = setTimeout(() => {
      stopped = true;
      socket.destroy();
      resolve({ closedByHub: false, seconds: (Date.now() - started) / 1000, sent });
    }, limitMs);
    socket.on('drain', pump);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      resolve({ closedByHub: true, seconds: (Date.now() - started) / 1000, sent });
    });
    socket.on('data', () => {
      if (started !== 0) return;
      started = Date.now(); // CONNACK
      pump();
    });
    socket.on('connect', () => socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: login.clientId, username: login.username, password: Buffer.from(login.password), clean: true, keepalive: 30 })));
  });
}

/** True when a WebSocket (MQTT subprotocol) opens; false when the hub closes it first. */
function webSocketOpens(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'mqtt');
    socket.on('open', () => {
      socket.terminate();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
