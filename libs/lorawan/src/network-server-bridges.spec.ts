import { SILENT_LOGGER } from '@hub/common';
import type { BrokerSession, OpenBrokerSession } from './broker-session';
import { ChirpStackBridge } from './chirpstack-bridge';
import { NetworkServerBridges } from './network-server-bridges';
import type { NetworkServerConnection } from './network-server-connection';
import { parseNewNetworkServer } from './network-server-connection.input';

interface Opened {
  readonly clientId: string;
  readonly subscribed: string[][];
  readonly unsubscribed: string[][];
  closed: boolean;
}

/** Records each connection the bridges open and what they subscribe and leave. */
function fakeBroker(): { open: OpenBrokerSession; opened: Opened[] } {
  const opened: Opened[] = [];
  const open: OpenBrokerSession = async (options, events) => {
    const record: Opened = { clientId: options.clientId, subscribed: [], unsubscribed: [], closed: false };
    opened.push(record);
    const session: BrokerSession = {
      sessionPresent: false,
      subscribe: async (filters) => void record.subscribed.push([...filters]),
      unsubscribe: async (filters) => void record.unsubscribed.push([...filters]),
      publish: async () => undefined,
      acknowledge: () => true,
      close: async () => void (record.closed = true),
    };
    events.onOpen(session);
    return session;
  };
  return { open, opened };
}

const north = (change: Record<string, unknown> = {}): NetworkServerConnection =>
  parseNewNetworkServer({ name: 'north', kind: 'chirpstack-v4', url: 'mqtt://ns.example', applicationIds: ['a', 'b'], ...change });
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('NetworkServerBridges', () => {
  let broker: ReturnType<typeof fakeBroker>;
  let bridges: NetworkServerBridges;

  beforeEach(() => {
    broker = fakeBroker();
    bridges = new NetworkServerBridges({
      sink: { take: (_source, done) => done() },
      logger: SILENT_LOGGER,
      stopGraceMs: 0,
      createBridge: (connection, sink, logger) => new ChirpStackBridge({ connection, sink, logger, openSession: broker.open }),
    });
  });

  afterEach(() => bridges.stopAll());

  it('starts a bridge per enabled connection and none for a disabled one', async () => {
    await bridges.startAll([north(), north({ name: 'south', enabled: false })]);
    await settle();
    expect(broker.opened.map((opened) => opened.clientId)).toEqual(['county-hub-north']);
    expect(bridges.status('north').state).toBe('connected');
    expect(bridges.status('south').state).toBe('stopped');
  });

  it('leaves a bridge alone when nothing changed', async () => {
    await bridges.upsert(north());
    await settle();
    await bridges.upsert(north());
    expect(broker.opened).toHaveLength(1);
  });

  it('restarts on a change, leaving only the applications no longer wanted', async () => {
    await bridges.upsert(north());
    await settle();
    await bridges.upsert(north({ applicationIds: ['b', 'c'] }));
    await settle();
    expect(broker.opened[0]).toMatchObject({ unsubscribed: [['application/a/device/+/event/+']], closed: true });
    expect(broker.opened[1]!.subscribed).toEqual([['application/b/device/+/event/+', 'application/c/device/+/event/+']]);
  });

  it('leaves every filter of the old session when the client id moves to another one', async () => {
    await bridges.upsert(north());
    await settle();
    await bridges.upsert(north({ clientId: 'hub-2' }));
    await settle();
    expect(broker.opened[0]!.unsubscribed).toEqual([['application/a/device/+/event/+', 'application/b/device/+/event/+']]);
    expect(broker.opened[1]!.clientId).toBe('hub-2');
  });

  it('keeps the subscriptions of a disabled connection, so the broker holds what comes meanwhile', async () => {
    await bridges.upsert(north());
    await settle();
    await bridges.upsert(north({ enabled: false }));
    expect(broker.opened[0]).toMatchObject({ unsubscribed: [], closed: true });
    expect(bridges.status('north').state).toBe('stopped');
  });

  it('leaves every subscription of a deleted connection', async () => {
    await bridges.upsert(north());
    await settle();
    await bridges.remove('north');
    expect(broker.opened[0]).toMatchObject({ unsubscribed: [['application/a/device/+/event/+', 'application/b/device/+/event/+']], closed: true });
  });

  it('stops everything at shutdown and keeps the sessions', async () => {
    await bridges.startAll([north(), north({ name: 'south' })]);
    await settle();
    await bridges.stopAll();
    expect(broker.opened.map(({ closed, unsubscribed }) => ({ closed, unsubscribed }))).toEqual([
      { closed: true, unsubscribed: [] },
      { closed: true, unsubscribed: [] },
    ]);
  });
});
