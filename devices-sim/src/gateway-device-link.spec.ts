import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { DeviceLinkFactory, DeviceLinkOptions } from './device-link';
import { gatewayDeviceLinks } from './gateway-device-link';
import { MqttDeviceLink } from './mqtt-device-link';
import { runSimulation } from './device-simulator';
import { devicesToProvision } from './hub-provisioner';
import { InMemoryBroker } from './in-memory-device-link';
import { planDevices, planGateways, resolveSimulationOptions } from './simulation-options';

describe('simulated gateways', () => {
  const base = { url: 'mqtt://127.0.0.1:1883', intervalMs: 5, domains: ['water', 'power'] as const, gateways: 2, childrenPerGateway: 3 };

  it('plans gateways with their children in the run’s domains, and provisions gateways before the children that name them', () => {
    const resolved = resolveSimulationOptions(base);
    expect(planGateways(resolved)).toEqual([
      { deviceId: 'sim-gw1', domain: 'water', gatewayDomains: ['water', 'power'], children: ['sim-gw1-water-1', 'sim-gw1-power-2', 'sim-gw1-water-3'] },
      { deviceId: 'sim-gw2', domain: 'water', gatewayDomains: ['water', 'power'], children: ['sim-gw2-water-1', 'sim-gw2-power-2', 'sim-gw2-water-3'] },
    ]);
    expect(planDevices(resolved).map((device) => [device.deviceId, device.domain, device.index])).toEqual([
      ['sim-gw1-water-1', 'water', 1],
      ['sim-gw1-power-2', 'power', 1],
      ['sim-gw1-water-3', 'water', 2],
      ['sim-gw2-water-1', 'water', 3],
      ['sim-gw2-power-2', 'power', 2],
      ['sim-gw2-water-3', 'water', 4],
    ]);
    expect(devicesToProvision(planGateways(resolved), planDevices(resolved), ['Ashford', 'Brook']).slice(0, 4)).toEqual([
      { deviceId: 'sim-gw1', domain: 'water', kind: 'gateway', gatewayDomains: ['water', 'power'], town: 'Ashford' },
      { deviceId: 'sim-gw2', domain: 'water', kind: 'gateway', gatewayDomains: ['water', 'power'], town: 'Brook' },
      { deviceId: 'sim-gw1-water-1', domain: 'water', gatewayId: 'sim-gw1', town: 'Ashford' },
      { deviceId: 'sim-gw1-power-2', domain: 'power', gatewayId: 'sim-gw1', town: 'Ashford' },
    ]);
  });

  it('publishes every child’s readings on the child’s own topic over one connection per gateway, logged in as the gateway', async () => {
    const broker = new InMemoryBroker();
    const logins: unknown[] = [];
    const spy: DeviceLinkFactory = (options) => {
      logins.push([options.clientId, options.username, options.password, options.will?.topic]);
      return broker.connect(options);
    };
    const credentials = new Map([
      ['sim-gw1', 'secret-1'],
      ['sim-gw2', 'secret-2'],
    ]);
    const report = await runSimulation({ ...base, count: 2, linkFactory: spy, credentials });

    expect(logins).toEqual([
      ['sim-gw1', 'sim-gw1', 'secret-1', 'sensors/water/sim-gw1/status'],
      ['sim-gw2', 'sim-gw2', 'secret-2', 'sensors/water/sim-gw2/status'],
    ]);
    expect(report.devices).toEqual({ planned: 6, connected: 6, connectFailures: 0, dropped: 0 });
    expect(report).toMatchObject({ acked: 12, unacked: 0, publishErrors: 0 });
    // Sent by the gateway's client, on each child's topic.
    expect(broker.telemetry('sim-gw1').map((entry) => entry.topic).sort()).toEqual(
      ['sensors/power/sim-gw1-power-2/telemetry', 'sensors/water/sim-gw1-water-1/telemetry', 'sensors/water/sim-gw1-water-3/telemetry'].flatMap((topic) => [topic, topic]),
    );
    expect(broker.telemetry()).toHaveLength(12);
    expect(broker.cleanDisconnects.sort()).toEqual(['sim-gw1', 'sim-gw2']);
    expect(broker.connected.size).toBe(0);
  });

  it('lets each child subscribe over the gateway’s connection and hear only its own commands and config', async () => {
    const client = Object.assign(new EventEmitter(), {
      subscribed: [] as string[],
      subscribe(topics: string[], _options: unknown, done: () => void) {
        this.subscribed.push(...topics);
        done();
      },
      publish(_topic: string, _payload: string, _options: unknown, done: () => void) {
        done();
      },
    });
    const links = gatewayDeviceLinks(async () => new MqttDeviceLink(client as unknown as MqttClient), [{ deviceId: 'gw', domain: 'water', gatewayDomains: ['water'], children: ['c-1', 'c-2'] }], undefined);
    const options = (clientId: string): DeviceLinkOptions => ({ url: 'mqtt://x', clientId, clean: false, keepaliveS: 30, connectTimeoutMs: 1000, reconnectPeriodMs: 0, will: { topic: `sensors/water/${clientId}/status`, payload: 'offline', qos: 1, retain: true } });
    const [first, second] = [await links(options('c-1')), await links(options('c-2'))];
    const heard: string[] = [];
    first.subscribe?.(['sensors/water/c-1/commands', 'sensors/water/c-1/config'], (topic) => heard.push(`c-1 ${topic}`));
    second.subscribe?.(['sensors/water/c-2/commands', 'sensors/water/c-2/config'], (topic) => heard.push(`c-2 ${topic}`));
    client.emit('message', 'sensors/water/c-2/commands', Buffer.from('{}'));
    client.emit('message', 'sensors/water/c-1/config', Buffer.from('{}'));
    expect(client.subscribed).toEqual(['sensors/water/c-1/commands', 'sensors/water/c-1/config', 'sensors/water/c-2/commands', 'sensors/water/c-2/config']);
    expect(heard).toEqual(['c-2 sensors/water/c-2/commands', 'c-1 sensors/water/c-1/config']);
    expect(client.listenerCount('message')).toBe(1);
  });
});
