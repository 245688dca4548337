import { runSimulation } from './device-simulator';
import { MiniMqttBroker } from './testing/mini-mqtt-broker';

/** The one test over a real MQTT connection (MQTT.js to a minimal in-process broker on a loopback socket). */
describe('simulator over a real MQTT connection', () => {
  let broker: MiniMqttBroker;
  let port: number;

  beforeEach(async () => {
    broker = new MiniMqttBroker();
    port = await broker.listen();
  });

  afterEach(() => broker.close());

  it('connects as the device id with a retained offline will, publishes QoS 1, counts PUBACKs, and the will fires on a drop', async () => {
    const report = await runSimulation({
      url: `mqtt://127.0.0.1:${port}`,
      domains: ['water'],
      devicesPerDomain: 2,
      count: 4,
      intervalMs: 10,
      qos: 1,
      withSeq: true,
      recordReadings: true,
      faults: [{ mode: 'silent', devices: 1, fromReading: 3, disconnect: true }],
    });

    expect(broker.connects).toEqual([
      { clientId: 'sim-water-1', clean: true, will: { topic: 'sensors/water/sim-water-1/status', payload: 'offline', retain: true } },
      { clientId: 'sim-water-2', clean: true, will: { topic: 'sensors/water/sim-water-2/status', payload: 'offline', retain: true } },
    ]);
    expect(report).toMatchObject({ sent: { readings: 6 }, acked: 6, unacked: 0, publishErrors: 0, devices: { connected: 2, dropped: 1 } });
    expect(broker.telemetry().map((entry) => [entry.topic, JSON.parse(entry.payload).seq])).toEqual(
      expect.arrayContaining([
        ['sensors/water/sim-water-1/telemetry', 1],
        ['sensors/water/sim-water-1/telemetry', 2],
        ['sensors/water/sim-water-2/telemetry', 4],
      ]),
    );
    expect(report.readings?.map((reading) => JSON.stringify(reading.metrics)).sort()).toEqual(
      broker.telemetry().map((entry) => JSON.stringify(JSON.parse(entry.payload).metrics)).sort(),
    );
    // The dropped device's will fired; the other disconnected cleanly after setting its status itself.
    await waitFor(() => broker.willsPublished.length === 1);
    expect(broker.willsPublished.map((will) => will.clientId)).toEqual(['sim-water-1']);
    const status = broker.published.filter((entry) => entry.clientId === 'sim-water-2' && entry.topic.endsWith('/status'));
    expect(status.map((entry) => [entry.payload, entry.retain])).toEqual([
      ['online', true],
      ['offline', true],
    ]);
  });

  it('counts a broker that cannot be reached as a connect failure and ends', async () => {
    await broker.close();
    const report = await runSimulation({ url: `mqtt://127.0.0.1:${port}`, domains: ['gas'], count: 1, connectTimeoutMs: 2000 });
    expect(report.devices).toMatchObject({ connected: 0, connectFailures: 1 });
    broker = new MiniMqttBroker();
    await broker.listen();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
