import type { BusHandler, ClusterBus } from '@hub/cluster';
import type { HubLogger } from '@hub/common';
import { DevicePresence, DeviceStateRepository, type DeviceState } from '@hub/devices';
import { openSqliteDatabase, type SqliteDatabase, Store } from '@hub/store';
import { ClusterPresence, type ClusterPresenceTimings, type OfflineWriter, PRESENCE_CHANNEL } from './cluster-presence';

const T0 = Date.UTC(2026, 11, 7, 1, 0, 0);
const TIMINGS: ClusterPresenceTimings = { heartbeatMs: 2000, silenceMs: 10_000, startupGraceMs: 5000 };
const PUMP = { domain: 'water', deviceId: 'pump-1' } as const;
const VALVE = { domain: 'water', deviceId: 'valve-2' } as const;

/** The bus between nodes as Redis pub/sub behaves for these rules: in order, to every subscriber, the sender included; delivered on flush(). */
class TestNetwork {
  private readonly queue: Array<{ channel: string; message: unknown; from: string }> = [];
  private readonly handlers = new Map<string, Array<{ node: string; handler: BusHandler<unknown> }>>();
  /** Nodes cut off (killed): what they send is lost, nothing reaches them. */
  readonly dead = new Set<string>();
  /** Redis down: everything sent is lost. */
  down = false;
  private readonly resyncHandlers: Array<() => void> = [];

  bus(nodeId: string): ClusterBus {
    return {
      nodeId,
      publish: (channel, message) => {
        if (!this.dead.has(nodeId) && !this.down) this.queue.push({ channel, message: JSON.parse(JSON.stringify(message)), from: nodeId });
      },
      subscribe: (channel, handler) => {
        const entry = { node: nodeId, handler: handler as BusHandler<unknown> };
        this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), entry]);
        return () => this.handlers.set(channel, (this.handlers.get(channel) ?? []).filter((other) => other !== entry));
      },
      onResync: (handler) => {
        this.resyncHandlers.push(handler);
        return () => undefined;
      },
      close: async () => undefined,
    };
  }

  /** Redis is back: every node's bus says so, as RedisBus does after a reconnect. */
  back(): void {
    this.down = false;
    for (const handler of this.resyncHandlers) handler();
  }

  flush(): void {
    while (this.queue.length > 0) {
      const { channel, message, from } = this.queue.shift()!;
      for (const { node, handler } of this.handlers.get(channel) ?? []) if (!this.dead.has(node)) handler(message, from);
    }
  }
}

const silentLogger: HubLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

interface Node {
  readonly id: string;
  readonly presence: DevicePresence;
  readonly cluster: ClusterPresence;
  readonly offlineWrites: Array<{ devices: Array<{ deviceId: string; since: number }>; at: number }>;
}

describe('ClusterPresence (several nodes on one bus, a fake clock)', () => {
  let clock: number;
  let network: TestNetwork;
  let db: SqliteDatabase;
  let store: Store;

  beforeEach(() => {
    clock = T0;
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
    network = new TestNetwork();
    db = openSqliteDatabase(':memory:');
    store = Store.sqlite(db);
  });
  afterEach(async () => {
    await store.close();
    db.close();
    jest.restoreAllMocks();
  });

  const startNode = async (id: string, loaded: readonly DeviceState[] = []): Promise<Node> => {
    const repository = new DeviceStateRepository(store);
    await repository.saveMany(loaded);
    const presence = new DevicePresence(repository, silentLogger);
    await presence.load({ keepOnline: true });
    const offlineWrites: Node['offlineWrites'] = [];
    // The real compare-and-set on the shared (SQLite) database, recorded.
    const writer: OfflineWriter = {
      setOfflineIfUnchanged: async (devices, at) => {
        offlineWrites.push({ devices: devices.map((device) => ({ ...device })), at });
        return repository.setOfflineIfUnchanged(devices, at);
      },
    };
    const cluster = new ClusterPresence(network.bus(id), presence, writer, silentLogger, TIMINGS, () => clock);
    cluster.start(false);
    network.flush();
    return { id, presence, cluster, offlineWrites };
  };

  /** Every live node beats and checks silence, the clock moves by `ms`, in 1 s steps. */
  const advance = (nodes: readonly Node[], ms: number): void => {
    for (let step = 0; step < ms; step += 1000) {
      clock += 1000;
      for (const node of nodes) if (!network.dead.has(node.id)) node.cluster.heartbeat();
      network.flush();
      for (const node of nodes) if (!network.dead.has(node.id)) node.cluster.checkSilence();
    }
  };

  const connect = (node: Node, address: { domain: string; deviceId: string }, values: Record<string, number> = {}): void => {
    node.presence.clientConnected(address.deviceId);
    node.presence.recordReadings(address, address.deviceId, clock, [{ domain: address.domain, deviceId: address.deviceId, ts: clock, tsFromDevice: true, metrics: values }]);
    network.flush();
  };
  const online = (node: Node, deviceId: string): boolean | undefined => node.presence.get(deviceId)?.online;
  /** The rows as the database has them: "pump-1 online". */
  const rows = async (): Promise<string[]> => {
    await new Promise((resolve) => setImmediate(resolve));
    return (await new DeviceStateRepository(store).loadAll()).map((state) => `${state.deviceId} ${state.online ? 'online' : 'offline'}`);
  };

  it('shows a device connected to b online on a, with its values, and offline once b says it left', async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    connect(b, PUMP, { pressure_kpa: 410 });
    expect(online(a, 'pump-1')).toBe(true);
    // Values follow with b's next heartbeat.
    advance([a, b], 2000);
    expect(a.presence.get('pump-1')?.lastValues).toEqual({ pressure_kpa: 410 });

    clock += 500;
    b.presence.recordReadings(PUMP, 'pump-1', clock, [{ domain: 'water', deviceId: 'pump-1', ts: clock, tsFromDevice: true, metrics: { pressure_kpa: 395 } }]);
    advance([a, b], 2000);
    expect(a.presence.get('pump-1')?.lastValues).toEqual({ pressure_kpa: 395 });

    b.presence.clientDisconnected('pump-1');
    network.flush();
    expect(online(a, 'pump-1')).toBe(false);
    // Neither wrote the row through the cluster path: b persists its own device, a never does.
    expect([a.offlineWrites, b.offlineWrites]).toEqual([[], []]);
  });

  it('sets a dead node’s devices offline on the others once, after the silence, but not one that reconnected elsewhere before', async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    const c = await startNode('c');
    connect(b, PUMP);
    const pumpSince = clock;
    connect(b, VALVE);
    clock += 1000;
    // The valve moves to c; b has not noticed yet (its old connection is still open when b dies).
    connect(c, VALVE);
    advance([a, b, c], 2000);
    expect([online(a, 'pump-1'), online(a, 'valve-2'), online(c, 'pump-1')]).toEqual([true, true, true]);
    await b.presence.persist();
    await c.presence.persist();
    expect(await rows()).toEqual(['pump-1 online', 'valve-2 online']);

    network.dead.add('b');
    const killedAt = clock;
    const offlineAt: Record<string, number> = {};
    for (let step = 0; step < 15; step++) {
      advance([a, b, c], 1000);
      for (const node of [a, c]) if (online(node, 'pump-1') === false) offlineAt[node.id] ??= clock - killedAt;
    }
    // Last heard at the kill; declared dead on the first check more than 10 s later.
    expect(offlineAt).toEqual({ a: 11_000, c: 11_000 });
    expect([online(a, 'valve-2'), online(c, 'valve-2')]).toEqual([true, true]);
    // Each survivor asks the database to set the pump offline if its row still says "online since b's connection";
    // the compare-and-set lets one of them change it.
    expect(a.offlineWrites).toEqual([{ devices: [{ deviceId: 'pump-1', since: pumpSince }], at: killedAt + 11_000 }]);
    expect(c.offlineWrites).toEqual(a.offlineWrites);
    // The valve's row was written by c for its newer connection: the compare-and-set leaves it.
    expect(await rows()).toEqual(['pump-1 offline', 'valve-2 online']);
  });

  it('keeps a device online that moved from b to c though b’s disconnection comes last, on every node and on b itself', async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    const c = await startNode('c');
    connect(b, PUMP);
    clock += 1000;
    connect(c, PUMP);
    clock += 100;
    // b closes its old connection (session takeover): stale.
    b.presence.clientDisconnected('pump-1');
    network.flush();
    expect([online(a, 'pump-1'), online(b, 'pump-1'), online(c, 'pump-1')]).toEqual([true, true, true]);
    // And b's death afterwards does not take it either.
    network.dead.add('b');
    advance([a, b, c], 12_000);
    expect([online(a, 'pump-1'), online(c, 'pump-1')]).toEqual([true, true]);
    expect(a.offlineWrites).toEqual([]);
  });

  it('takes a late online claim of the old node as stale: the newest connection holds the device', async () => {
    const a = await startNode('a');
    await startNode('b');
    const c = await startNode('c');
    connect(c, PUMP);
    // b's claim of an older connection arrives after c's (delayed on the way).
    network.bus('b').publish(PRESENCE_CHANNEL, { kind: 'claims', claims: [{ online: true, since: clock - 5000, state: { ...c.presence.get('pump-1')! } }] });
    network.flush();
    network.dead.add('b');
    advance([a, c], 12_000);
    expect(online(a, 'pump-1')).toBe(true);
    expect(a.offlineWrites).toEqual([]);
  });

  it('sets offline after the start-up grace the devices online in the database that no live node claimed', async () => {
    const b = await startNode('b');
    connect(b, PUMP);
    const stored = (deviceId: string, statusChangedAt: number): DeviceState => ({
      deviceId,
      domain: 'water',
      clientId: deviceId,
      online: true,
      firstSeen: T0 - 60_000,
      lastSeen: statusChangedAt,
      lastReadingTs: null,
      lastValues: {},
      lastValueTs: {},
      statusChangedAt,
    });
    // The database says both are online (a node died before it could say otherwise); only the pump is held (by b).
    const a = await startNode('a', [stored('pump-1', clock), stored('valve-2', T0 - 30_000)]);
    expect([online(a, 'pump-1'), online(a, 'valve-2')]).toEqual([true, true]);
    advance([a, b], 5000);
    a.cluster.sweepUnheld();
    expect([online(a, 'pump-1'), online(a, 'valve-2')]).toEqual([true, false]);
    expect(a.offlineWrites).toEqual([{ devices: [{ deviceId: 'valve-2', since: T0 - 30_000 }], at: clock }]);
    expect(await rows()).toEqual(['pump-1 online', 'valve-2 offline']);
  });

  it('sends a node that came back after being declared dead what the others hold, and takes its devices back', async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    connect(b, PUMP);
    await b.presence.persist();
    network.dead.add('b');
    advance([a], 12_000);
    expect(online(a, 'pump-1')).toBe(false);
    expect(await rows()).toEqual(['pump-1 offline']);
    // b was only cut off from the others (its link to Redis): its device never left it.
    network.dead.delete('b');
    advance([a, b], 2000);
    expect(online(a, 'pump-1')).toBe(true);
    // b writes the rows of what it holds again: another node may have set them offline meanwhile.
    await b.presence.persist();
    expect(await rows()).toEqual(['pump-1 online']);
  });

  it('takes a node restarted under the same id before its silence ran out as the death of its previous process', async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    connect(b, PUMP);
    await b.presence.persist();
    advance([a, b], 2000);
    // kill -9 and an immediate restart: the old process says nothing more.
    b.cluster.stop();
    clock += 1000;
    const restarted = await startNode('b');
    expect(online(a, 'pump-1')).toBe(false);
    advance([a, restarted], 5000);
    restarted.cluster.sweepUnheld();
    expect(online(restarted, 'pump-1')).toBe(false);
    expect(await rows()).toEqual(['pump-1 offline']);
    connect(restarted, PUMP);
    expect(online(a, 'pump-1')).toBe(true);
  });

  it('writes the row online though the old node told its disconnection before the new node’s claim: the old node takes the claim too', async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    const c = await startNode('c');
    connect(b, PUMP);
    await b.presence.persist();
    clock += 1000;
    // The takeover reaches b before c's claim reaches anyone: b says its connection ended, then c's claim follows.
    b.presence.clientDisconnected('pump-1');
    c.presence.clientConnected('pump-1');
    c.presence.recordReadings(PUMP, 'pump-1', clock, []);
    network.flush();
    expect([online(a, 'pump-1'), online(b, 'pump-1'), online(c, 'pump-1')]).toEqual([true, true, true]);
    await c.presence.persist();
    await b.presence.persist();
    expect(await rows()).toEqual(['pump-1 online']);
  });

  it('declares nobody dead while Redis is down, and catches up with what was missed once it is back', async () => {
    const a = await startNode('a');
    const b = await startNode('b');
    connect(b, PUMP);
    connect(b, VALVE);
    expect([online(a, 'pump-1'), online(a, 'valve-2')]).toEqual([true, true]);
    network.down = true;
    b.presence.clientDisconnected('valve-2');
    advance([a, b], 30_000);
    // Frozen, not guessed: neither node's own messages came back, so neither declared the other dead.
    expect([online(a, 'pump-1'), online(a, 'valve-2')]).toEqual([true, true]);
    network.back();
    network.flush();
    expect([online(a, 'pump-1'), online(a, 'valve-2')]).toEqual([true, false]);
    advance([a, b], 12_000);
    expect([online(a, 'pump-1'), a.offlineWrites, b.offlineWrites]).toEqual([true, [], []]);
  });
});
