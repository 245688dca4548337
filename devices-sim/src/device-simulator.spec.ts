import { DeviceLinkFactory } from './device-link';
import { DeviceSimulator, runSimulation } from './device-simulator';
import { InMemoryBroker } from './in-memory-device-link';
import { SimulationOptions, SimulationOptionsError } from './simulation-options';

function options(broker: InMemoryBroker, overrides: Partial<SimulationOptions> = {}): SimulationOptions {
  return { url: 'mqtt://127.0.0.1:1883', intervalMs: 5, linkFactory: broker.connect, ...overrides };
}

describe('DeviceSimulator (in-memory broker)', () => {
  it('runs every device of every domain to its count and reports what was sent and acked', async () => {
    const broker = new InMemoryBroker();
    const report = await runSimulation(options(broker, { devicesPerDomain: 2, count: 3, recordReadings: true }));

    expect(report.devices).toEqual({ planned: 10, connected: 10, connectFailures: 0, dropped: 0 });
    expect(report.sent).toEqual({ messages: 30, readings: 30 });
    expect(report).toMatchObject({ valid: 30, invalid: 0, acked: 30, unacked: 0, publishErrors: 0, running: false });
    expect(report.byDomain.traffic).toEqual({ messages: 6, readings: 6, valid: 6, invalid: 0, acked: 6 });
    expect(broker.telemetry('sim-heat-2').map((entry) => entry.topic)).toEqual(Array(3).fill('sensors/heat/sim-heat-2/telemetry'));
    // What the report says was sent is exactly what went on the wire.
    const wire = broker.telemetry().map((entry) => JSON.parse(entry.payload).metrics);
    expect(report.readings?.map((reading) => reading.metrics)).toEqual(expect.arrayContaining(wire));
    expect(report.readings?.every((reading) => reading.acked)).toBe(true);
  });

  it('announces online and offline retained on the status topic, with the will set to offline', async () => {
    const broker = new InMemoryBroker();
    const wills: unknown[] = [];
    const spy: DeviceLinkFactory = (linkOptions) => {
      wills.push({ clientId: linkOptions.clientId, will: linkOptions.will });
      return broker.connect(linkOptions);
    };
    await runSimulation(options(broker, { domains: ['gas'], count: 1, linkFactory: spy }));

    expect(wills).toEqual([{ clientId: 'sim-gas-1', will: { topic: 'sensors/gas/sim-gas-1/status', payload: 'offline', qos: 1, retain: true } }]);
    const status = broker.published.filter((entry) => entry.topic.endsWith('/status'));
    expect(status.map((entry) => [entry.payload, entry.retain])).toEqual([
      ['online', true],
      ['offline', true],
    ]);
    expect(broker.cleanDisconnects).toEqual(['sim-gas-1']);
    expect(broker.connected.size).toBe(0);
  });

  it('connects each device with its id as username and its provisioned secret as password', async () => {
    const broker = new InMemoryBroker();
    const logins: unknown[] = [];
    const spy: DeviceLinkFactory = (linkOptions) => {
      logins.push([linkOptions.clientId, linkOptions.username, linkOptions.password]);
      return broker.connect(linkOptions);
    };
    const credentials = new Map([['sim-heat-1', 'secret-1']]);
    await runSimulation(options(broker, { domains: ['heat'], devicesPerDomain: 2, count: 1, linkFactory: spy, credentials, connectConcurrency: 1 }));
    expect(logins).toEqual([
      ['sim-heat-1', 'sim-heat-1', 'secret-1'],
      ['sim-heat-2', undefined, undefined],
    ]);
  });

  it('counts invalid readings per expected reason and per domain', async () => {
    const broker = new InMemoryBroker();
    const report = await runSimulation(
      options(broker, {
        domains: ['water', 'power'],
        devicesPerDomain: 2,
        count: 4,
        faults: [
          { mode: 'out-of-range', domain: 'water', devices: 1, everyNth: 2 },
          { mode: 'malformed-json', deviceIds: ['sim-power-2'], fromReading: 4 },
        ],
      }),
    );
    expect(report.invalidByReason).toEqual({ VALUE_OUT_OF_RANGE: 2, MALFORMED_JSON: 1 });
    expect(report.expectedRejections).toEqual({ VALUE_OUT_OF_RANGE: 2, MALFORMED_JSON: 1 });
    expect(report.byDomain.water).toMatchObject({ valid: 6, invalid: 2 });
    expect(report.byDomain.power).toMatchObject({ valid: 7, invalid: 1 });
  });

  it('a silent device with disconnect drops its connection so the will fires, and the run still ends', async () => {
    const broker = new InMemoryBroker();
    const report = await runSimulation(
      options(broker, { domains: ['water'], devicesPerDomain: 2, count: 5, faults: [{ mode: 'silent', devices: 1, fromReading: 3, disconnect: true }] }),
    );
    expect(broker.willsFired.map((will) => [will.clientId, will.topic, will.payload])).toEqual([['sim-water-1', 'sensors/water/sim-water-1/status', 'offline']]);
    expect(broker.telemetry('sim-water-1')).toHaveLength(2);
    expect(broker.telemetry('sim-water-2')).toHaveLength(5);
    expect(report.devices.dropped).toBe(1);
  });

  it('sends batches: count readings in ceil(count / batchSize) publishes', async () => {
    const broker = new InMemoryBroker();
    const report = await runSimulation(options(broker, { domains: ['heat'], count: 7, batchSize: 3, publishIntervalMs: 1 }));
    expect(report.sent).toEqual({ messages: 3, readings: 7 });
    expect(broker.telemetry().map((entry) => JSON.parse(entry.payload).length)).toEqual([3, 3, 1]);
  });

  it('counts connect failures and carries on with the other devices', async () => {
    const broker = new InMemoryBroker();
    broker.refuse.add('sim-traffic-1');
    const report = await runSimulation(options(broker, { domains: ['traffic', 'gas'], count: 2 }));
    expect(report.devices).toMatchObject({ connected: 1, connectFailures: 1 });
    expect(report.errors).toEqual(['sim-traffic-1: connect failed: connection refused for sim-traffic-1']);
    expect(report.sent.readings).toBe(2);
  });

  it('never has more than connectConcurrency connections opening at once', async () => {
    const broker = new InMemoryBroker();
    let opening = 0;
    let most = 0;
    const counting: DeviceLinkFactory = async (linkOptions) => {
      most = Math.max(most, ++opening);
      try {
        return await broker.connect(linkOptions);
      } finally {
        opening--;
      }
    };
    const report = await runSimulation(options(broker, { devicesPerDomain: 40, count: 1, connectConcurrency: 7, linkFactory: counting }));
    expect(report.devices.connected).toBe(200);
    expect(most).toBe(7);
  });

  it('reports QoS 1 readings that were never acknowledged as unacked, after drainTimeoutMs', async () => {
    const broker = new InMemoryBroker();
    broker.withholdAcks = true;
    const report = await runSimulation(options(broker, { domains: ['power'], count: 3, drainTimeoutMs: 20 }));
    expect(report).toMatchObject({ acked: 0, unacked: 3, sent: { readings: 3 } });
  });

  it('does not count QoS 0 publishes as acked', async () => {
    const broker = new InMemoryBroker();
    const report = await runSimulation(options(broker, { domains: ['power'], count: 3, qos: 0 }));
    expect(report).toMatchObject({ acked: 0, unacked: 0, sent: { readings: 3 } });
    expect(broker.telemetry().every((entry) => entry.qos === 0)).toBe(true);
  });

  it('stops after durationMs without a count', async () => {
    const broker = new InMemoryBroker();
    const report = await runSimulation(options(broker, { domains: ['water'], intervalMs: 10, durationMs: 100 }));
    expect(report.sent.readings).toBeGreaterThanOrEqual(3);
    // Node's timers count from a monotonic clock and Date.now() rounds to whole ms: a 100 ms timer can read as 99.
    expect(report.elapsedMs).toBeGreaterThanOrEqual(99);
    expect(broker.connected.size).toBe(0);
  });

  it('stop() ends an endless run early, closes every connection and returns the final report', async () => {
    const broker = new InMemoryBroker();
    const simulator = new DeviceSimulator(options(broker, { devicesPerDomain: 3, intervalMs: 10 }));
    await simulator.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(simulator.report().running).toBe(true);
    const report = await simulator.stop();
    expect(report.running).toBe(false);
    expect(broker.connected.size).toBe(0);
    const sentAtStop = broker.telemetry().length;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(broker.telemetry()).toHaveLength(sentAtStop);
    expect(await simulator.done).toBe(report);
    expect(await simulator.stop()).toBe(report);
  });

  it('produces the same readings for the same seed', async () => {
    const run = async (seed: number) => {
      const broker = new InMemoryBroker();
      await runSimulation(options(broker, { domains: ['gas'], count: 3, seed, startTs: Date.UTC(2025, 0, 1) }));
      return broker.telemetry().map((entry) => entry.payload);
    };
    expect(await run(5)).toEqual(await run(5));
    expect(await run(6)).not.toEqual(await run(5));
  });

  it.each<[string, Partial<SimulationOptions>, string]>([
    ['a non-MQTT URL', { url: 'http://localhost', count: 1 }, 'url'],
    ['an unknown domain', { domains: ['steam' as never], count: 1 }, 'domains'],
    ['zero devices', { devicesPerDomain: 0, count: 1 }, 'devicesPerDomain'],
    ['a bad id prefix', { idPrefix: 'a/b', count: 1 }, 'idPrefix'],
    ['neither count nor duration', {}, 'count'],
  ])('refuses %s before connecting', async (_, overrides, option) => {
    const broker = new InMemoryBroker();
    await expect(runSimulation({ ...options(broker), ...overrides })).rejects.toThrow(SimulationOptionsError);
    await expect(runSimulation({ ...options(broker), ...overrides })).rejects.toMatchObject({ option });
    expect(broker.published).toEqual([]);
  });
});
