import { HubLogger } from '@hub/common';
import { DeviceAddress, Reading } from '@hub/contract';
import { DeviceState, DeviceStateRepository } from './device-state.repository';

/**
 * Told of every change this node saw itself (a connection, a disconnection, a status message, a new device), so that
 * the other nodes of a cluster learn it. A connection to this node is told even when the device was online already
 * (on another node, which it left): the newest connection holds it. Changes applied from the other nodes are not told.
 */
export type LocalPresenceListener = (state: DeviceState) => void;

/**
 * Which devices exist, whether they are connected, when they were last heard from and their newest values.
 * Kept in memory on the hot path; dirty entries are persisted in one transaction every few seconds and at shutdown,
 * so presence survives restarts (every device starts offline after a restart until it reconnects).
 */
export class DevicePresence {
  private readonly devices = new Map<string, DeviceState>();
  private readonly dirty = new Set<string>();
  /** MQTT client id → other device ids that client published for (a gateway's), to mark them offline on disconnect. */
  private readonly devicesByClient = new Map<string, Set<string>>();
  /** The write under way: one at a time, so an older snapshot never lands after a newer one. */
  private persisting: Promise<void> = Promise.resolve();
  /** A node of a cluster (load's keepOnline): its offline rows are compare-and-set (see endedConnectionSince). */
  private clustered = false;
  /** Devices this node heard from since the last takeChanged(): their newest values go to the other nodes. */
  private readonly changed = new Set<string>();
  private listener: LocalPresenceListener | null = null;

  constructor(
    private readonly repository: DeviceStateRepository,
    private readonly logger: HubLogger,
  ) {}

  /**
   * Reads what was persisted, once at start, before any message is taken: every device starts offline — unless
   * `keepOnline` (a node of a cluster: a device online in the database may be connected to another node, which says
   * so; the ones nobody holds are set offline by the cluster's presence after it heard the others).
   */
  async load(options: { readonly keepOnline?: boolean } = {}): Promise<void> {
    this.clustered = options.keepOnline === true;
    const now = Date.now();
    for (const state of await this.repository.loadAll()) {
      if (state.online && options.keepOnline !== true) {
        state.online = false;
        state.statusChangedAt = now;
        this.dirty.add(state.deviceId);
      }
      this.devices.set(state.deviceId, state);
    }
  }

  list(): DeviceState[] {
    return [...this.devices.values()];
  }

  get(deviceId: string): DeviceState | undefined {
    return this.devices.get(deviceId);
  }

  get size(): number {
    return this.devices.size;
  }

  recordReadings(address: DeviceAddress, clientId: string | undefined, receivedAt: number, readings: readonly Reading[]): void {
    const state = this.touch(address, clientId, receivedAt);
    this.setOnline(state, true, receivedAt);
    this.recordValues(state, readings);
  }

  /**
   * Readings posted over HTTP: the device was heard from (last seen, newest values), but it holds no connection, so
   * `online` (connected over MQTT) is left as it is — a device that only posts stays offline, and its silence is
   * what no-data alert rules watch.
   */
  recordPostedReadings(address: DeviceAddress, receivedAt: number, readings: readonly Reading[]): void {
    const state = this.touch(address, undefined, receivedAt, false);
    this.recordValues(state, readings);
  }

  private recordValues(state: DeviceState, readings: readonly Reading[]): void {
    for (const reading of readings) {
      if (state.lastReadingTs === null || reading.ts > state.lastReadingTs) state.lastReadingTs = reading.ts;
      // Newest by event time, metric by metric: a late buffered batch must not overwrite fresher values.
      for (const metric in reading.metrics) {
        const known = state.lastValueTs[metric];
        if (known === undefined || reading.ts >= known) {
          state.lastValues[metric] = reading.metrics[metric];
          state.lastValueTs[metric] = reading.ts;
        }
      }
    }
  }

  /** A status message: "online"/"offline", usually the retained last will on sensors/{domain}/{id}/status. */
  recordStatus(address: DeviceAddress, clientId: string | undefined, receivedAt: number, online: boolean): void {
    const state = this.touch(address, clientId, receivedAt);
    this.setOnline(state, online, receivedAt);
  }

  clientConnected(clientId: string): void {
    const state = this.devices.get(clientId);
    if (state === undefined) return;
    const now = Date.now();
    if (state.online) {
      // Online already (on another node, or a takeover here): in a cluster this connection is the newest, and says so
      // (its start is what a later "disconnected" from the old node is told apart by). On one node nothing changes.
      if (this.listener === null) return;
      state.statusChangedAt = now;
      this.dirty.add(state.deviceId);
      this.listener?.(state);
    } else this.setOnline(state, true, now);
  }

  /** One listener (the cluster's presence); null removes it. */
  onLocalChange(listener: LocalPresenceListener | null): void {
    this.listener = listener;
  }

  /**
   * A change another node announced (or a decision of the cluster's presence: a dead node's devices offline): the
   * device as that node knows it, merged into this node's copy. Newest values win metric by metric, as locally.
   * Neither persisted by this node (the node holding the device writes its row) nor told to the listener.
   * `online` null: values only.
   */
  applyRemote(remote: DeviceState, online: boolean | null): void {
    let state = this.devices.get(remote.deviceId);
    if (state === undefined) {
      // Values only (online null): offline until some node claims it.
      state = { ...remote, online: online ?? false, lastValues: { ...remote.lastValues }, lastValueTs: { ...remote.lastValueTs } };
      delete state.endedConnectionSince;
      this.devices.set(remote.deviceId, state);
      return;
    }
    state.domain = remote.domain;
    if (remote.clientId !== null) state.clientId = remote.clientId;
    state.firstSeen = Math.min(state.firstSeen, remote.firstSeen);
    state.lastSeen = Math.max(state.lastSeen, remote.lastSeen);
    if (remote.lastReadingTs !== null && (state.lastReadingTs === null || remote.lastReadingTs > state.lastReadingTs)) state.lastReadingTs = remote.lastReadingTs;
    for (const metric in remote.lastValueTs) {
      const known = state.lastValueTs[metric];
      const ts = remote.lastValueTs[metric];
      if ((known === undefined || ts > known) && metric in remote.lastValues) {
        state.lastValues[metric] = remote.lastValues[metric];
        state.lastValueTs[metric] = ts;
      }
    }
    if (online !== null && state.online !== online) {
      // No longer this node's ended connection: whatever it writes next is the other node's word.
      delete state.endedConnectionSince;
      state.online = online;
      state.statusChangedAt = remote.statusChangedAt;
    }
  }

  /** The cluster decided the device is offline (its node died, or nobody holds it after a start): not persisted here. */
  setOfflineRemotely(deviceId: string, at: number): DeviceState | undefined {
    const state = this.devices.get(deviceId);
    if (state === undefined || !state.online) return undefined;
    delete state.endedConnectionSince;
    state.online = false;
    state.statusChangedAt = at;
    return state;
  }

  /** These devices' rows are written on the next persist, as they are in memory. */
  markDirty(deviceIds: Iterable<string>): void {
    for (const deviceId of deviceIds) if (this.devices.has(deviceId)) this.dirty.add(deviceId);
  }

  /** Copies of the devices this node heard from since the last call, at most `limit` (the rest on the next calls). */
  takeChanged(limit: number): DeviceState[] {
    const taken: DeviceState[] = [];
    for (const deviceId of this.changed) {
      if (taken.length >= limit) break;
      this.changed.delete(deviceId);
      const state = this.devices.get(deviceId);
      if (state !== undefined) taken.push({ ...state, lastValues: { ...state.lastValues }, lastValueTs: { ...state.lastValueTs } });
    }
    return taken;
  }

  /**
   * The client's connection ended: it and every device it last spoke for go offline. Returns the devices other than
   * the client itself that went offline just now (a gateway's children), so their retained status can follow.
   */
  clientDisconnected(clientId: string): DeviceState[] {
    const now = Date.now();
    const children: DeviceState[] = [];
    for (const deviceId of this.devicesByClient.get(clientId) ?? []) {
      const state = this.devices.get(deviceId);
      if (state && state.clientId === clientId && state.online) {
        this.setOnline(state, false, now);
        children.push(state);
      }
    }
    this.devicesByClient.delete(clientId);
    const own = this.devices.get(clientId);
    if (own && own.clientId === clientId) this.setOnline(own, false, now);
    return children;
  }

  /**
   * Writes changed devices to the store. A failed write marks them changed again (the next call retries them) and
   * rejects; calls wait for the one under way.
   */
  persist(): Promise<void> {
    const next = this.persisting.catch(() => undefined).then(() => this.persistNow());
    this.persisting = next;
    return next;
  }

  private async persistNow(): Promise<void> {
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty];
    const states = ids.map((id) => this.devices.get(id)).filter((state): state is DeviceState => state !== undefined);
    this.dirty.clear();
    try {
      await this.repository.saveMany(states);
    } catch (error) {
      for (const id of ids) this.dirty.add(id);
      throw error;
    }
  }

  private touch(address: DeviceAddress, clientId: string | undefined, receivedAt: number, online = true): DeviceState {
    let state = this.devices.get(address.deviceId);
    if (state === undefined) {
      state = {
        deviceId: address.deviceId,
        domain: address.domain,
        clientId: clientId ?? null,
        online,
        firstSeen: receivedAt,
        lastSeen: receivedAt,
        lastReadingTs: null,
        lastValues: {},
        lastValueTs: {},
        statusChangedAt: receivedAt,
      };
      this.devices.set(address.deviceId, state);
      this.logger.log({ msg: 'New device', deviceId: address.deviceId, domain: address.domain, clientId });
      this.dirty.add(address.deviceId);
      this.changed.add(address.deviceId);
      this.listener?.(state);
    } else {
      if (state.domain !== address.domain) {
        this.logger.warn({ msg: 'Device id reported under another domain', deviceId: address.deviceId, was: state.domain, now: address.domain });
        state.domain = address.domain;
      }
      state.lastSeen = receivedAt;
    }
    if (clientId !== undefined && state.clientId !== clientId) state.clientId = clientId;
    // A device publishing for itself (client id = device id, the usual case) is found by its id on disconnect; only
    // a client publishing for others (a gateway) needs the set (10,000 devices: ≈ 1.6 MB of sets otherwise).
    if (clientId !== undefined && clientId !== address.deviceId) {
      let owned = this.devicesByClient.get(clientId);
      if (owned === undefined) this.devicesByClient.set(clientId, (owned = new Set()));
      owned.add(address.deviceId);
    }
    this.dirty.add(address.deviceId);
    this.changed.add(address.deviceId);
    return state;
  }

  private setOnline(state: DeviceState, online: boolean, at: number): void {
    if (state.online === online) return;
    // Another node may have claimed a newer connection of the device before this persist runs: the offline row must
    // not replace its online one.
    if (!online && this.clustered) state.endedConnectionSince = state.statusChangedAt;
    else delete state.endedConnectionSince;
    state.online = online;
    state.statusChangedAt = at;
    this.dirty.add(state.deviceId);
    this.listener?.(state);
  }
}
