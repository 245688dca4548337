import type { MqttPrincipal } from '@hub/access';
import { LinkedBuses } from '@hub/cluster/testing';
import { SILENT_LOGGER } from '@hub/common';
import { CREDENTIALS_REVOKED, type RevocationBroker, type RevokedCredentials, SessionRevocations } from './session-revocations';

/** A node's connections (client id → principal) and what was done to them, in order. */
class FakeBroker implements RevocationBroker {
  readonly actions: string[] = [];
  constructor(readonly connections: Map<string, MqttPrincipal>) {}

  disconnect(clientId: string): void {
    this.actions.push(`disconnect ${clientId}`);
    this.connections.delete(clientId);
  }

  retire(deviceId: string, domain: string | null): void {
    this.actions.push(`retire ${deviceId} ${domain}`);
    this.connections.delete(deviceId);
  }

  closeConnections(match: (principal: MqttPrincipal) => boolean): number {
    let closed = 0;
    for (const [clientId, principal] of this.connections) {
      if (!match(principal)) continue;
      this.actions.push(`close ${clientId}`);
      this.connections.delete(clientId);
      closed++;
    }
    return closed;
  }

  connectionOf(clientId: string): object | undefined {
    return this.connections.has(clientId) ? {} : undefined;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('SessionRevocations', () => {
  const device = (deviceId: string): MqttPrincipal => ({ kind: 'device', deviceId, domain: 'water', town: null, site: null });
  const integration = (name: string): MqttPrincipal => ({ kind: 'integration', name, scope: { towns: [], domains: [] } });

  function cluster() {
    const buses = new LinkedBuses();
    const refreshed: Array<{ node: string; revoked: RevokedCredentials }> = [];
    const node = (id: string, connections: Array<[string, MqttPrincipal]>) => {
      const broker = new FakeBroker(new Map(connections));
      const revocations = new SessionRevocations(
        broker,
        buses.bus(id),
        async (revoked) => {
          // What the cache reload stands for: recorded, and the broker must not have closed anything yet.
          refreshed.push({ node: id, revoked });
          broker.actions.push('refreshed');
        },
        SILENT_LOGGER,
      );
      return { broker, revocations };
    };
    return { buses, refreshed, node };
  }

  it('closes a revoked device here at once and on the other nodes after their credentials were read again', async () => {
    const { buses, refreshed, node } = cluster();
    const a = node('a', []);
    const c = node('c', [
      ['meter-1', device('meter-1')],
      ['meter-2', device('meter-2')],
    ]);
    a.revocations.disconnect('meter-1');
    expect(a.broker.actions).toEqual(['disconnect meter-1']);
    expect(buses.bus('a').published).toEqual([{ channel: CREDENTIALS_REVOKED, message: { devices: ['meter-1'] } }]);
    await settle();
    expect(c.broker.actions).toEqual(['refreshed', 'disconnect meter-1']);
    expect([...c.broker.connections.keys()]).toEqual(['meter-2']);
    // The sender's own message closes nothing twice and reads nothing again.
    expect(refreshed).toEqual([{ node: 'c', revoked: { devices: ['meter-1'] } }]);
  });

  it('ends a deleted device elsewhere without its will and without clearing retained messages twice', async () => {
    const { node } = cluster();
    const a = node('a', []);
    const c = node('c', [['meter-1', device('meter-1')]]);
    a.revocations.retire('meter-1', 'water');
    expect(a.broker.actions).toEqual(['retire meter-1 water']);
    await settle();
    expect(c.broker.actions).toEqual(['refreshed', 'retire meter-1 null']);
  });

  it('closes an integration client everywhere, counting the connections closed here', async () => {
    const { node } = cluster();
    const a = node('a', [['water.scada-1', integration('water.scada')]]);
    const c = node('c', [
      ['water.scada-2', integration('water.scada')],
      ['county.gis-1', integration('county.gis')],
    ]);
    expect(a.revocations.disconnectIntegration('water.scada')).toBe(1);
    await settle();
    expect(c.broker.actions).toEqual(['refreshed', 'close water.scada-2']);
    expect([...c.broker.connections.keys()]).toEqual(['county.gis-1']);
  });

  it('still closes when reading the credentials again failed', async () => {
    const buses = new LinkedBuses();
    const errors: unknown[] = [];
    const c = new FakeBroker(new Map([['meter-1', device('meter-1')]]));
    new SessionRevocations(c, buses.bus('c'), () => Promise.reject(new Error('database unreachable')), { ...SILENT_LOGGER, error: (message) => errors.push(message) });
    new SessionRevocations(new FakeBroker(new Map()), buses.bus('a'), () => Promise.resolve(), SILENT_LOGGER).disconnect('meter-1');
    await settle();
    expect(c.actions).toEqual(['disconnect meter-1']);
    expect(errors).toHaveLength(1);
  });

  it('refuses a credential whose reload failed until a retry succeeds, then closes its connections again', async () => {
    const buses = new LinkedBuses();
    const c = new FakeBroker(new Map([['meter-1', device('meter-1')]]));
    let failures = 2;
    const refresh = async () => {
      if (failures-- > 0) throw new Error('database timeout');
      c.actions.push('refreshed');
    };
    const gate = new SessionRevocations(c, buses.bus('c'), refresh, SILENT_LOGGER, 30);
    const before = gate.admit(device('meter-1'));
    new SessionRevocations(new FakeBroker(new Map()), buses.bus('a'), () => Promise.resolve(), SILENT_LOGGER).disconnect('meter-1');
    await settle();
    expect(c.actions).toEqual(['disconnect meter-1']);
    // This node's memory still holds the old secret: the device is refused, whatever it sends.
    expect(gate.admit(device('meter-1'))).toBeNull();
    expect(gate.admit(device('meter-2'))).not.toBeNull();
    expect(gate.admit(integration('meter-1'))).not.toBeNull();
    // One that got in meanwhile (authenticated before the revocation, registered after the close).
    c.connections.set('meter-1', device('meter-1'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(c.actions).toEqual(['disconnect meter-1', 'refreshed', 'disconnect meter-1']);
    expect(c.connections.size).toBe(0);
    expect(gate.admit(device('meter-1'))).not.toBeNull();
    // A client that authenticated before the revocation is still closed when it registers; a new login is not.
    expect(gate.stillValid(device('meter-1'), before as number)).toBe(false);
    expect(gate.stillValid(device('meter-1'), gate.admit(device('meter-1')) as number)).toBe(true);
    gate.close();
  });

  it('closes a client that authenticated before a revocation here and registers after it', () => {
    const buses = new LinkedBuses();
    const a = new SessionRevocations(new FakeBroker(new Map()), buses.bus('a'), () => Promise.resolve(), SILENT_LOGGER);
    const meter = a.admit(device('meter-1')) as number;
    const scada = a.admit(integration('water.scada')) as number;
    a.disconnect('meter-1');
    a.disconnectIntegration('water.scada');
    expect(a.stillValid(device('meter-1'), meter)).toBe(false);
    expect(a.stillValid(integration('water.scada'), scada)).toBe(false);
    expect(a.stillValid(device('meter-2'), meter)).toBe(true);
    expect(a.stillValid(device('meter-1'), a.admit(device('meter-1')) as number)).toBe(true);
    a.close();
  });

  it('ignores an unreadable message', async () => {
    const { buses, refreshed, node } = cluster();
    const c = node('c', [['meter-1', device('meter-1')]]);
    buses.bus('a').publish(CREDENTIALS_REVOKED, { devices: 'meter-1' });
    buses.bus('a').publish(CREDENTIALS_REVOKED, null);
    await settle();
    expect(c.broker.actions).toEqual([]);
    expect(refreshed).toEqual([]);
  });
});
