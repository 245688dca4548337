import { DeviceLinkFactory } from './device-link';
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
      logins.push([options.clientId, options.username, options.password, options.will.topic]);
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
});
