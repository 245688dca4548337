import { adaptChirpStackEvent } from '@hub/decoders';
import { createSimulator, DeviceSimulator, runSimulation } from './device-simulator';
import { DeviceLinkFactory } from './device-link';
import { InMemoryBroker } from './in-memory-device-link';
import { planLoRaWanFleet } from './lorawan-fleet';
import { NetworkServerSimulator } from './network-server-simulator';
import { planDevices, resolveSimulationOptions, SimulationOptions, SimulationOptionsError } from './simulation-options';
import { MiniMqttBroker } from './testing/mini-mqtt-broker';

function options(broker: InMemoryBroker, overrides: Partial<SimulationOptions> = {}): SimulationOptions {
  return { url: 'mqtt://127.0.0.1:1883', networkServer: 'chirpstack', applicationId: 'county-water', intervalMs: 5, linkFactory: broker.connect, ...overrides };
}

describe('NetworkServerSimulator (in-memory broker)', () => {
  it('publishes every device\'s up events over ONE connection, on its DevEUI\'s topic at QoS 1, without a will', async () => {
    const broker = new InMemoryBroker();
    const logins: unknown[] = [];
    const spy: DeviceLinkFactory = (linkOptions) => {
      logins.push([linkOptions.clientId, linkOptions.will]);
      return broker.connect(linkOptions);
    };
    const report = await runSimulation(options(broker, { devicesPerDomain: 3, count: 4, linkFactory: spy, seed: 9 }));

    expect(logins).toEqual([['sim-chirpstack', undefined]]);
    const fleet = planLoRaWanFleet(9, 'county-water', planDevices(resolveSimulationOptions(options(broker, { devicesPerDomain: 3, seed: 9 }))));
    expect(report.networkServer?.devices).toEqual(fleet.devices.map((device) => ({ deviceId: device.target.deviceId, devEui: device.devEui })));
    for (const device of fleet.devices) {
      const events = broker.published.filter((entry) => entry.topic === `application/county-water/device/${device.devEui}/event/up`);
      expect(events).toHaveLength(4);
      expect(events.every((entry) => entry.qos === 1 && !entry.retain && entry.clientId === 'sim-chirpstack')).toBe(true);
      const fCnts = events.map((entry) => {
        const adapted = adaptChirpStackEvent(Buffer.from(entry.payload), { eventType: 'up', topicDevEui: device.devEui, arrivedAt: new Date() });
        return adapted.kind === 'uplink' ? adapted.uplink.fCnt : -1;
      });
      expect(fCnts).toEqual([0, 1, 2, 3].map((offset) => fCnts[0]! + offset));
    }
    expect(broker.published).toHaveLength(12);
    expect(report.devices).toEqual({ planned: 3, connected: 3, connectFailures: 0, dropped: 0 });
    expect(report.sent).toEqual({ messages: 12, readings: 12 });
    expect(report).toMatchObject({ valid: 12, invalid: 0, acked: 12, unacked: 0, publishErrors: 0, running: false });
    expect(report.networkServer).toMatchObject({
      kind: 'chirpstack',
      applicationId: 'county-water',
      clientId: 'sim-chirpstack',
      events: 12,
      eventsAcked: 12,
      uplinks: { decodable: 12, undecodable: 0, codecError: 0 },
      duplicates: 0,
      outOfOrder: 0,
      expectedStored: 12,
      expectedRefusals: {},
    });
    expect(broker.cleanDisconnects).toEqual(['sim-chirpstack']);
  });

  it('counts what it sent per kind: duplicates once stored, out-of-order, undecodable and a failing codec as refusals', async () => {
    const broker = new InMemoryBroker();
    const report = await runSimulation(
      options(broker, {
        devicesPerDomain: 4,
        count: 10,
        recordReadings: true,
        uplinkFaults: [
          { mode: 'codec-error', devices: 1 },
          { mode: 'duplicate-fcnt', everyNth: 3 },
          { mode: 'out-of-order', deviceIds: ['sim-water-2'], fromReading: 4, toReading: 6 },
          { mode: 'undecodable', deviceIds: ['sim-water-3'], fromReading: 9 },
        ],
      }),
    );
    // One fault per uplink, the frame's before the delivery's, else the first listed: device 1 sends all ten on fPort
    // 99; device 3's 9 and 10 are undecodable; devices 2–4 send their other 3rd, 6th and 9th twice (device 2's 6 is a
    // duplicate, listed before out-of-order).
    const ns = report.networkServer!;
    expect(ns.uplinks).toEqual({ decodable: 28, undecodable: 2, codecError: 10 });
    expect(ns.duplicates).toBe(8);
    // Device 2 holds 4 and 5 (6 is a duplicate, listed first) and releases them after 6: two uplinks overtaken.
    expect(ns.outOfOrder).toBe(2);
    expect(ns.events).toBe(40 + 8);
    expect(ns.expectedStored).toBe(28);
    expect(ns.expectedRefusals).toEqual({ DECODER_ERROR: 12 });
    expect(report.sent).toEqual({ messages: 48, readings: 40 });
    expect(report).toMatchObject({ valid: 28, invalid: 12, acked: 40, unacked: 0 });
    expect(ns.eventsAcked).toBe(48);
    const device2 = broker.published.filter((entry) => entry.topic.includes(ns.devices[1]!.devEui)).map((entry) => JSON.parse(entry.payload).fCnt as number);
    const first = ns.sent!.find((uplink) => uplink.deviceId === 'sim-water-2' && uplink.reading === 1)!.fCnt;
    expect(device2.map((fCnt) => fCnt - first + 1)).toEqual([1, 2, 3, 3, 6, 6, 4, 5, 7, 8, 9, 9, 10]);
    expect(ns.sent).toHaveLength(40);
    expect(ns.sent?.filter((uplink) => uplink.publishes === 2)).toHaveLength(8);
    expect(ns.sent?.filter((uplink) => uplink.deviceId === 'sim-water-3' && uplink.fault === 'undecodable').map((uplink) => uplink.reading)).toEqual([9, 10]);
  });

  it('counts a refused connection once and ends the run with nothing sent', async () => {
    const broker = new InMemoryBroker();
    broker.refuse.add('sim-chirpstack');
    const report = await runSimulation(options(broker, { devicesPerDomain: 2, count: 3 }));
    expect(report.devices).toEqual({ planned: 2, connected: 0, connectFailures: 1, dropped: 0 });
    expect(report.errors).toEqual(['sim-chirpstack: connect failed: connection refused for sim-chirpstack']);
    expect(report.sent).toEqual({ messages: 0, readings: 0 });
  });

  it('reports unacknowledged events after drainTimeoutMs, and stops on time without a count', async () => {
    const withheld = new InMemoryBroker();
    withheld.withholdAcks = true;
    const report = await runSimulation(options(withheld, { count: 2, drainTimeoutMs: 20 }));
    expect(report).toMatchObject({ acked: 0, unacked: 2, sent: { readings: 2 } });

    const broker = new InMemoryBroker();
    const simulator = createSimulator(options(broker, { intervalMs: 10, durationMs: 80 }));
    expect(simulator).toBeInstanceOf(NetworkServerSimulator);
    await simulator.start();
    const timed = await simulator.done;
    expect(timed.sent.readings).toBeGreaterThanOrEqual(3);
    expect(timed.running).toBe(false);
  });

  it('is only played by NetworkServerSimulator', () => {
    expect(() => new DeviceSimulator(options(new InMemoryBroker(), { count: 1 }))).toThrow(SimulationOptionsError);
    expect(createSimulator({ url: 'mqtt://127.0.0.1:1883', count: 1 })).toBeInstanceOf(DeviceSimulator);
  });

  it('over a real MQTT connection: one client, no will, every event PUBACKed, a clean DISCONNECT at the end', async () => {
    const broker = new MiniMqttBroker();
    const port = await broker.listen();
    try {
      const report = await runSimulation({ url: `mqtt://127.0.0.1:${port}`, networkServer: 'chirpstack', devicesPerDomain: 2, count: 3, intervalMs: 10, uplinkFaults: [{ mode: 'duplicate-fcnt', fromReading: 2, toReading: 2 }] });
      expect(broker.connects).toEqual([{ clientId: 'sim-chirpstack', clean: true }]);
      expect(broker.published).toHaveLength(8);
      expect(new Set(broker.published.map((entry) => entry.topic)).size).toBe(2);
      expect(broker.published.every((entry) => entry.qos === 1 && /^application\/[0-9a-f-]{36}\/device\/[0-9a-f]{16}\/event\/up$/.test(entry.topic))).toBe(true);
      expect(report).toMatchObject({ sent: { messages: 8, readings: 6 }, acked: 6, unacked: 0, publishErrors: 0, networkServer: { events: 8, eventsAcked: 8, duplicates: 2 } });
      expect(broker.cleanDisconnects).toEqual(['sim-chirpstack']);
    } finally {
      await broker.close();
    }
  });
});
