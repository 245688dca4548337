import { HubLogger } from '@hub/common';
import { DeviceAddress, Reading } from '@hub/contract';
import { openSqliteDatabase, SqliteDatabase, Store } from '@hub/store';
import { DeviceState, DeviceStateRepository } from './device-state.repository';
import { DevicePresence } from './device-presence';

const T0 = Date.UTC(2025, 5, 15, 12, 0, 0);
const PUMP: DeviceAddress = { domain: 'water', deviceId: 'pump-7' };
const METER: DeviceAddress = { domain: 'water', deviceId: 'meter-2' };
const LOOP: DeviceAddress = { domain: 'traffic', deviceId: 'loop-17' };

function reading(address: DeviceAddress, ts: number, metrics: Record<string, number>): Reading {
  return { domain: address.domain, deviceId: address.deviceId, ts, tsFromDevice: true, metrics };
}

class RecordingLogger implements HubLogger {
  readonly entries: Array<[level: string, message: unknown]> = [];
  log(message: unknown): void {
    this.entries.push(['log', message]);
  }
  warn(message: unknown): void {
    this.entries.push(['warn', message]);
  }
  error(message: unknown): void {
    this.entries.push(['error', message]);
  }
}

describe('DevicePresence', () => {
  let db: SqliteDatabase;
  let store: Store;
  let logger: RecordingLogger;
  let presence: DevicePresence;
  /** What Date.now() returns: presence uses it for connect/disconnect events and restarts. */
  let clock: number;

  beforeEach(async () => {
    clock = T0;
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
    db = openSqliteDatabase(':memory:');
    store = Store.sqlite(db);
    logger = new RecordingLogger();
    presence = new DevicePresence(new DeviceStateRepository(store), logger);
    await presence.load();
  });

  afterEach(async () => {
    await store.close();
    db.close();
    jest.restoreAllMocks();
  });

  const snapshot = (deviceId: string): DeviceState | undefined => {
    const state = presence.get(deviceId);
    return state && { ...state, lastValues: { ...state.lastValues }, lastValueTs: { ...state.lastValueTs } };
  };

  it('creates an online device on its first reading', async () => {
    presence.recordReadings(PUMP, 'pump-7', T0 + 500, [reading(PUMP, T0 + 100, { pressure_kpa: 420, flow_m3h: 80 })]);
    expect(presence.size).toBe(1);
    expect(snapshot('pump-7')).toEqual({
      deviceId: 'pump-7',
      domain: 'water',
      clientId: 'pump-7',
      online: true,
      firstSeen: T0 + 500,
      lastSeen: T0 + 500,
      lastReadingTs: T0 + 100,
      lastValues: { pressure_kpa: 420, flow_m3h: 80 },
      lastValueTs: { pressure_kpa: T0 + 100, flow_m3h: T0 + 100 },
      statusChangedAt: T0 + 500,
    });
    expect(logger.entries).toEqual([['log', { msg: 'New device', deviceId: 'pump-7', domain: 'water', clientId: 'pump-7' }]]);
  });

  it('keeps the newest values by event time: a late older reading does not overwrite them', async () => {
    presence.recordReadings(PUMP, 'pump-7', T0 + 1000, [reading(PUMP, T0 + 900, { pressure_kpa: 420, flow_m3h: 80 })]);
    // A buffered reading from before arrives later.
    presence.recordReadings(PUMP, 'pump-7', T0 + 2000, [reading(PUMP, T0 + 100, { pressure_kpa: 300 })]);
    expect(snapshot('pump-7')).toMatchObject({ lastSeen: T0 + 2000, lastReadingTs: T0 + 900, lastValues: { pressure_kpa: 420, flow_m3h: 80 } });

    // A newer reading with one metric updates that metric and keeps the other.
    presence.recordReadings(PUMP, 'pump-7', T0 + 3000, [reading(PUMP, T0 + 2900, { pressure_kpa: 430 })]);
    expect(snapshot('pump-7')).toMatchObject({ lastReadingTs: T0 + 2900, lastValues: { pressure_kpa: 430, flow_m3h: 80 } });

    // A resent reading with the same event time replaces the values, as it does in InfluxDB.
    presence.recordReadings(PUMP, 'pump-7', T0 + 4000, [reading(PUMP, T0 + 2900, { pressure_kpa: 431 })]);
    expect(snapshot('pump-7')).toMatchObject({ lastReadingTs: T0 + 2900, lastValues: { pressure_kpa: 431, flow_m3h: 80 } });
  });

  it('judges each metric by its own event time: a late reading of one metric is not lost behind a newer one of another', async () => {
    presence.recordReadings(PUMP, 'pump-7', T0 + 1000, [reading(PUMP, T0 + 900, { pressure_kpa: 420 })]);
    // Buffered earlier, sent later: the only chlorine value there is, older than the pressure above.
    presence.recordReadings(PUMP, 'pump-7', T0 + 2000, [reading(PUMP, T0 + 100, { pressure_kpa: 300, chlorine_mgl: 0.6 })]);
    expect(snapshot('pump-7')).toMatchObject({
      lastReadingTs: T0 + 900,
      lastValues: { pressure_kpa: 420, chlorine_mgl: 0.6 },
      lastValueTs: { pressure_kpa: T0 + 900, chlorine_mgl: T0 + 100 },
    });
  });

  it('orders readings inside one batch by event time, not by position', async () => {
    presence.recordReadings(PUMP, 'pump-7', T0, [
      reading(PUMP, T0 - 1000, { level_m: 4 }),
      reading(PUMP, T0 - 3000, { level_m: 2 }),
      reading(PUMP, T0 - 2000, { level_m: 3 }),
    ]);
    expect(snapshot('pump-7')).toMatchObject({ lastReadingTs: T0 - 1000, lastValues: { level_m: 4 } });
  });

  it('follows status messages and stamps only real changes', async () => {
    presence.recordReadings(PUMP, 'pump-7', T0, [reading(PUMP, T0, { ph: 7 })]);
    presence.recordStatus(PUMP, 'pump-7', T0 + 1000, false);
    expect(snapshot('pump-7')).toMatchObject({ online: false, statusChangedAt: T0 + 1000, lastSeen: T0 + 1000 });
    presence.recordStatus(PUMP, 'pump-7', T0 + 2000, false);
    expect(snapshot('pump-7')).toMatchObject({ online: false, statusChangedAt: T0 + 1000, lastSeen: T0 + 2000 });
    presence.recordStatus(PUMP, 'pump-7', T0 + 3000, true);
    expect(snapshot('pump-7')).toMatchObject({ online: true, statusChangedAt: T0 + 3000 });
    // A reading brings an offline device back online.
    presence.recordStatus(PUMP, 'pump-7', T0 + 4000, false);
    presence.recordReadings(PUMP, 'pump-7', T0 + 5000, [reading(PUMP, T0 + 5000, { ph: 7.1 })]);
    expect(snapshot('pump-7')).toMatchObject({ online: true, statusChangedAt: T0 + 5000 });
  });

  it('creates a device from a status message alone, with no values', async () => {
    presence.recordStatus(LOOP, 'loop-17', T0, false);
    expect(snapshot('loop-17')).toEqual({
      deviceId: 'loop-17',
      domain: 'traffic',
      clientId: 'loop-17',
      online: false,
      firstSeen: T0,
      lastSeen: T0,
      lastReadingTs: null,
      lastValues: {},
      lastValueTs: {},
      statusChangedAt: T0,
    });
  });

  it('marks offline the devices a disconnected client published for, and only those', async () => {
    presence.recordReadings(PUMP, 'gateway-1', T0, [reading(PUMP, T0, { ph: 7 })]);
    presence.recordReadings(METER, 'gateway-1', T0, [reading(METER, T0, { flow_m3h: 20 })]);
    presence.recordReadings(LOOP, 'loop-17', T0, [reading(LOOP, T0, { vehicle_count: 4 })]);

    presence.recordStatus(METER, 'gateway-1', T0 + 1000, false);

    clock = T0 + 60_000;
    // Only pump-7 went offline just now (the gateway had said meter-2 was offline): its retained status must follow.
    expect(presence.clientDisconnected('gateway-1').map((state) => state.deviceId)).toEqual(['pump-7']);
    expect(presence.list().map((state) => [state.deviceId, state.online, state.statusChangedAt])).toEqual([
      ['pump-7', false, T0 + 60_000],
      ['meter-2', false, T0 + 1000],
      ['loop-17', true, T0],
    ]);
  });

  it('leaves a device online when it has moved to another client before the old one disconnects', async () => {
    presence.recordReadings(PUMP, 'gateway-1', T0, [reading(PUMP, T0, { ph: 7 })]);
    presence.recordReadings(PUMP, 'gateway-2', T0 + 1000, [reading(PUMP, T0 + 1000, { ph: 7 })]);
    presence.clientDisconnected('gateway-1');
    expect(snapshot('pump-7')).toMatchObject({ clientId: 'gateway-2', online: true });
    presence.clientDisconnected('gateway-2');
    expect(snapshot('pump-7')).toMatchObject({ clientId: 'gateway-2', online: false });
  });

  it('marks a device whose id is its client id online on connect and offline on disconnect', async () => {
    presence.recordStatus(LOOP, 'loop-17', T0, false);
    clock = T0 + 5000;
    presence.clientConnected('loop-17');
    expect(snapshot('loop-17')).toMatchObject({ online: true, statusChangedAt: T0 + 5000 });
    clock = T0 + 9000;
    presence.clientDisconnected('loop-17');
    expect(snapshot('loop-17')).toMatchObject({ online: false, statusChangedAt: T0 + 9000 });
    presence.clientConnected('unknown-client');
    expect(presence.size).toBe(1);
  });

  it('tells its listener (a cluster) of every change seen here, and of a new connection of a device online already; alone, a reconnection changes nothing', async () => {
    presence.recordStatus(LOOP, 'loop-17', T0, true);
    clock = T0 + 5000;
    presence.clientConnected('loop-17');
    expect(snapshot('loop-17')).toMatchObject({ online: true, statusChangedAt: T0 });

    const told: string[] = [];
    presence.onLocalChange((state) => told.push(`${state.deviceId} ${state.online} ${state.statusChangedAt}`));
    presence.clientConnected('loop-17');
    presence.clientDisconnected('loop-17');
    presence.recordReadings(PUMP, 'pump-7', T0 + 6000, [reading(PUMP, T0 + 6000, { ph: 7 })]);
    // Applied from another node: not told, not written by this node.
    await presence.persist();
    presence.applyRemote({ ...snapshot('loop-17')!, statusChangedAt: T0 + 7000 }, true);
    expect(told).toEqual([`loop-17 true ${T0 + 5000}`, `loop-17 false ${T0 + 5000}`, `pump-7 true ${T0 + 6000}`]);
    expect(snapshot('loop-17')).toMatchObject({ online: true, statusChangedAt: T0 + 7000 });
    await presence.persist();
    const stored = await new DeviceStateRepository(store).loadAll();
    expect(stored.map((state) => [state.deviceId, state.online])).toEqual([['loop-17', false], ['pump-7', true]]);
  });

  it('in a cluster, writes a disconnect here offline only over the row of the connection that ended: a newer claim by another node stays', async () => {
    const repository = new DeviceStateRepository(store);
    const node = new DevicePresence(repository, logger);
    await node.load({ keepOnline: true });
    node.recordStatus(LOOP, 'loop-17', T0, false);
    node.recordStatus(PUMP, 'pump-7', T0, false);
    clock = T0 + 5000;
    node.clientConnected('loop-17');
    node.clientConnected('pump-7');
    await node.persist();
    // loop-17 moved: another node wrote its newer connection before this node's disconnect is persisted.
    const moved = (await repository.loadAll()).find((state) => state.deviceId === 'loop-17')!;
    await repository.saveMany([{ ...moved, clientId: 'loop-17', online: true, statusChangedAt: T0 + 6000 }]);
    clock = T0 + 7000;
    node.clientDisconnected('loop-17');
    node.clientDisconnected('pump-7');
    expect(node.get('loop-17')).toMatchObject({ online: false, endedConnectionSince: T0 + 5000 });
    await node.persist();
    const stored = await repository.loadAll();
    expect(stored.map((state) => [state.deviceId, state.online, state.statusChangedAt])).toEqual([
      ['loop-17', true, T0 + 6000],
      ['pump-7', false, T0 + 7000],
    ]);
  });

  it('warns when a device id reports under another domain and follows the new one', async () => {
    presence.recordReadings(PUMP, 'pump-7', T0, [reading(PUMP, T0, { ph: 7 })]);
    const asGas: DeviceAddress = { domain: 'gas', deviceId: 'pump-7' };
    presence.recordReadings(asGas, 'pump-7', T0 + 1, [reading(asGas, T0 + 1, { temperature_c: 10 })]);
    expect(snapshot('pump-7')?.domain).toBe('gas');
    expect(logger.entries[1]).toEqual(['warn', { msg: 'Device id reported under another domain', deviceId: 'pump-7', was: 'water', now: 'gas' }]);
  });

  describe('across a restart', () => {
    /** What is in the database now, by device id. */
    const stored = async () => (await new DeviceStateRepository(store).loadAll()).sort((a, b) => a.deviceId.localeCompare(b.deviceId));

    it('restores every device from the database, all offline until they reconnect', async () => {
      presence.recordReadings(PUMP, 'gateway-1', T0, [reading(PUMP, T0 - 500, { pressure_kpa: 420 })]);
      presence.recordReadings(LOOP, 'loop-17', T0 + 100, [reading(LOOP, T0 + 50, { vehicle_count: 4, avg_speed_kmh: 38.5 })]);
      presence.recordStatus(METER, 'meter-2', T0 + 200, false);
      await presence.persist();

      clock = T0 + 3_600_000;
      const restarted = new DevicePresence(new DeviceStateRepository(store), new RecordingLogger());
      await restarted.load();
      const byId = (id: string) => restarted.list().find((state) => state.deviceId === id);
      expect(restarted.size).toBe(3);
      expect(byId('pump-7')).toEqual({
        deviceId: 'pump-7',
        domain: 'water',
        clientId: 'gateway-1',
        online: false,
        firstSeen: T0,
        lastSeen: T0,
        lastReadingTs: T0 - 500,
        lastValues: { pressure_kpa: 420 },
        lastValueTs: { pressure_kpa: T0 - 500 },
        statusChangedAt: T0 + 3_600_000,
      });
      expect(byId('loop-17')).toMatchObject({ online: false, lastReadingTs: T0 + 50, lastValues: { vehicle_count: 4, avg_speed_kmh: 38.5 }, statusChangedAt: T0 + 3_600_000 });
      // Already offline before the restart: its status time is kept.
      expect(byId('meter-2')).toMatchObject({ online: false, lastReadingTs: null, lastValues: {}, statusChangedAt: T0 + 200 });

      // The restart's "offline" is itself persisted.
      await restarted.persist();
      expect((await stored()).map((state) => [state.deviceId, state.online])).toEqual([
        ['loop-17', false],
        ['meter-2', false],
        ['pump-7', false],
      ]);
    });

    it('persists later changes too, and nothing before persist() is called', async () => {
      presence.recordReadings(PUMP, 'pump-7', T0, [reading(PUMP, T0, { ph: 7 })]);
      await presence.persist();
      presence.recordReadings(PUMP, 'pump-7', T0 + 1000, [reading(PUMP, T0 + 1000, { ph: 7.4 })]);
      presence.recordReadings(LOOP, 'loop-17', T0 + 1000, [reading(LOOP, T0 + 1000, { vehicle_count: 1 })]);
      expect((await stored()).map((state) => [state.deviceId, state.lastValues])).toEqual([['pump-7', { ph: 7 }]]);

      await presence.persist();
      expect((await stored()).map((state) => [state.deviceId, state.lastValues, state.lastSeen])).toEqual([
        ['loop-17', { vehicle_count: 1 }, T0 + 1000],
        ['pump-7', { ph: 7.4 }, T0 + 1000],
      ]);
    });
  });
});
