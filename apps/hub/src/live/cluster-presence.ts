import { randomUUID } from 'node:crypto';
import type { ClusterBus } from '@hub/cluster';
import type { HubLogger } from '@hub/common';
import { type DevicePresence, type DeviceState, type NodeDeath, PresenceLedger } from '@hub/devices';

/** The bus channel of device presence between nodes (heartbeats, claims, sync requests). */
export const PRESENCE_CHANNEL = 'presence';

/** A node's change of one device: online since `since` (when that connection began), or that connection ended. */
export interface PresenceClaim {
  readonly online: boolean;
  /** Online: when the connection began; offline: when the connection that ended began (null: not known). */
  readonly since: number | null;
  readonly state: DeviceState;
}

/** `incarnation`: one per process, so that a node restarted under the same id before its silence ran out is noticed. */
export type PresenceMessage =
  | { readonly kind: 'heartbeat'; readonly incarnation: string; readonly states: readonly DeviceState[] }
  /**
   * `holdings`: part of everything the node holds (the answer to a sync), sent back to back; on the last part, what the
   * node was thought to hold and did not list is offline (its disconnection was missed while the bus was down).
   */
  | { readonly kind: 'claims'; readonly claims: readonly PresenceClaim[]; readonly holdings?: { readonly last: boolean } }
  /** "Tell me what you hold": a node started, came back from the dead, or lost the bus for a while. */
  | { readonly kind: 'sync'; readonly incarnation: string };

export interface ClusterPresenceTimings {
  /** How often a node says it is alive (with the values of the devices it heard from meanwhile). */
  readonly heartbeatMs: number;
  /** A node not heard from for this long is dead: its devices go offline. */
  readonly silenceMs: number;
  /** After a start, how long the other nodes have to say what they hold before the devices nobody holds go offline. */
  readonly startupGraceMs: number;
}

export const CLUSTER_PRESENCE_TIMINGS: ClusterPresenceTimings = { heartbeatMs: 2000, silenceMs: 10_000, startupGraceMs: 5000 };

/** Values shared per heartbeat at most (≈ 300 bytes each); more wait for the next one. */
const STATES_PER_HEARTBEAT = 2000;
/** Claims per bus message when a node tells everything it holds. */
const CLAIMS_PER_MESSAGE = 1000;

export interface OfflineWriter {
  setOfflineIfUnchanged(devices: ReadonlyArray<{ readonly deviceId: string; readonly since: number }>, at: number): Promise<number>;
}

/**
 * Device presence across the hub's nodes (see PresenceLedger for the rules). Each node announces the changes it sees
 * itself as claims, says it is alive every heartbeat, and applies the others' claims to its own DevicePresence, so
 * every node's API, live stream and alert evaluator see a device connected anywhere. A node's death (silence) sets
 * its devices offline on every other node, and in the database once (compare-and-set on the row's status change).
 * The node holding a device writes its row; the others never do.
 */
export class ClusterPresence {
  private readonly ledger: PresenceLedger;
  private readonly unsubscribe: Array<() => void> = [];
  private timers: NodeJS.Timeout[] = [];
  private started = false;
  private readonly incarnation = randomUUID();
  /** node → the incarnation it last spoke as. */
  private readonly incarnations = new Map<string, string>();
  /** node → the devices listed so far in the holdings it is sending. */
  private readonly listed = new Map<string, Set<string>>();

  constructor(
    private readonly bus: ClusterBus,
    private readonly presence: DevicePresence,
    private readonly database: OfflineWriter,
    private readonly logger: HubLogger,
    private readonly timings: ClusterPresenceTimings = CLUSTER_PRESENCE_TIMINGS,
    private readonly clock: () => number = Date.now,
  ) {
    this.ledger = new PresenceLedger(bus.nodeId, timings.silenceMs);
  }

  get nodeId(): string {
    return this.bus.nodeId;
  }

  /** Subscribes and asks the others what they hold; `withTimers`: heartbeat, silence check and the start-up sweep run by themselves. */
  start(withTimers = true): void {
    if (this.started) return;
    this.started = true;
    // Devices online in the database at start are not held by this node; whoever holds them claims them on `sync`.
    // -Infinity: any live node's claim wins over the database's word.
    for (const state of this.presence.list()) if (state.online) this.ledger.claimOnline(state.deviceId, LOADED, Number.NEGATIVE_INFINITY);
    this.presence.onLocalChange((state) => this.localChange(state));
    this.unsubscribe.push(this.bus.subscribe<PresenceMessage>(PRESENCE_CHANNEL, (message, from) => this.received(message, from)));
    this.unsubscribe.push(this.bus.onResync(() => this.bus.publish<PresenceMessage>(PRESENCE_CHANNEL, { kind: 'sync', incarnation: this.incarnation })));
    this.bus.publish<PresenceMessage>(PRESENCE_CHANNEL, { kind: 'sync', incarnation: this.incarnation });
    this.heartbeat();
    if (!withTimers) return;
    const every = (ms: number, work: () => void): void => {
      const timer = setInterval(() => this.safely(work), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.timings.heartbeatMs, () => this.heartbeat());
    every(Math.min(1000, this.timings.heartbeatMs), () => this.checkSilence());
    this.scheduleSweep();
  }

  /** The start-up sweep, once the bus works (else the others could not have told what they hold). */
  private scheduleSweep(): void {
    const sweep = setTimeout(() => {
      this.timers = this.timers.filter((timer) => timer !== sweep);
      if (this.ledger.busWorks(this.clock())) this.safely(() => this.sweepUnheld());
      else this.scheduleSweep();
    }, this.timings.startupGraceMs);
    sweep.unref();
    this.timers.push(sweep);
  }

  /** Heartbeats and checks stop; changes are still announced and received (a stopping node's disconnections). */
  stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  stop(): void {
    this.stopTimers();
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    this.presence.onLocalChange(null);
    this.started = false;
  }

  heartbeat(): void {
    this.bus.publish<PresenceMessage>(PRESENCE_CHANNEL, { kind: 'heartbeat', incarnation: this.incarnation, states: this.presence.takeChanged(STATES_PER_HEARTBEAT) });
  }

  /** Nodes silent too long are dead: their devices offline here, and in the database (whichever node gets there first). */
  checkSilence(): void {
    const now = this.clock();
    for (const death of this.ledger.expire(now)) this.buried(death, now, 'A hub node went silent: its devices are offline unless they reconnected elsewhere');
  }

  private buried(death: NodeDeath, now: number, msg: string): void {
    let offline = 0;
    for (const { deviceId } of death.devices) if (this.presence.setOfflineRemotely(deviceId, now) !== undefined) offline++;
    this.logger.warn({ msg, node: death.node, silenceMs: this.timings.silenceMs, devices: offline });
    this.writeOffline(death.devices, now, death.node);
  }

  /** After a start: devices online in the database that no live node claimed are offline. */
  sweepUnheld(): void {
    const now = this.clock();
    const unheld: Array<{ deviceId: string; since: number }> = [];
    for (const { deviceId } of this.ledger.heldBy(LOADED)) {
      this.ledger.claimOffline(deviceId, LOADED, null);
      // The status change the row was loaded with (unchanged, as no node claimed the device): the compare-and-set's guard.
      const loadedSince = this.presence.get(deviceId)?.statusChangedAt;
      if (loadedSince !== undefined && this.presence.setOfflineRemotely(deviceId, now) !== undefined) unheld.push({ deviceId, since: loadedSince });
    }
    if (unheld.length > 0) this.logger.log({ msg: 'Devices online in the database that no live node holds are offline', devices: unheld.length });
    this.writeOffline(unheld, now, null);
  }

  private writeOffline(devices: ReadonlyArray<{ readonly deviceId: string; readonly since: number }>, at: number, node: string | null): void {
    if (devices.length === 0) return;
    this.database.setOfflineIfUnchanged(devices, at).catch((error: unknown) =>
      // The rows keep saying online until the devices' next change; this node's view (and the API's) is right.
      this.logger.error({ msg: 'Could not set offline in the database the devices of a dead node (or held by none)', node, devices: devices.length, error }),
    );
  }

  private localChange(state: DeviceState): void {
    if (state.online) {
      this.ledger.claimOnline(state.deviceId, this.nodeId, state.statusChangedAt);
      this.publishClaims([{ online: true, since: state.statusChangedAt, state: { ...state } }]);
      return;
    }
    const held = this.ledger.holderOf(state.deviceId);
    if (held !== undefined && held.node !== this.nodeId && held.node !== LOADED) {
      // This node's old connection ended (or a will of it came) after the device connected to another node: stale.
      this.presence.applyRemote({ ...state, statusChangedAt: held.since }, true);
      return;
    }
    const since = held?.node === this.nodeId ? held.since : null;
    this.ledger.claimOffline(state.deviceId, held?.node ?? this.nodeId, since);
    this.publishClaims([{ online: false, since, state: { ...state } }]);
  }

  private received(message: PresenceMessage, from: string): void {
    if (from === this.nodeId) {
      // Our own messages coming back say the bus works (a node cut off from it must not declare everybody dead).
      this.ledger.heard(from, this.clock());
      return;
    }
    const now = this.clock();
    if (message.kind !== 'claims') {
      const previous = this.incarnations.get(from);
      this.incarnations.set(from, message.incarnation);
      // A new process's sync comes before any claim of its own (it is sent before its broker listens).
      if (previous !== undefined && previous !== message.incarnation) this.buried(this.ledger.forget(from), now, 'A hub node restarted: what its previous process held is offline unless reconnected');
    }
    if (this.ledger.heard(from, now)) {
      // New, or back after we declared it dead (its devices left our ledger): everyone tells what they hold.
      this.bus.publish<PresenceMessage>(PRESENCE_CHANNEL, { kind: 'sync', incarnation: this.incarnation });
    }
    switch (message.kind) {
      case 'heartbeat':
        for (const state of message.states) {
          // A device this node never heard of: its holder's word, as a claim (the claim itself may have been missed).
          const claimed = this.presence.get(state.deviceId) === undefined && state.online && this.ledger.claimOnline(state.deviceId, from, state.statusChangedAt);
          this.presence.applyRemote(state, claimed ? true : null);
        }
        return;
      case 'sync':
        this.publishHoldings();
        return;
      case 'claims':
        for (const claim of message.claims) this.applyClaim(claim, from);
        if (message.holdings !== undefined) this.holdingsReceived(from, message.claims, message.holdings.last, now);
        return;
    }
  }

  private applyClaim(claim: PresenceClaim, from: string): void {
    const { deviceId } = claim.state;
    if (claim.online) {
      if (claim.since !== null && this.ledger.claimOnline(deviceId, from, claim.since)) this.presence.applyRemote(claim.state, true);
      else this.presence.applyRemote(claim.state, null);
      return;
    }
    if (this.ledger.claimOffline(deviceId, from, claim.since)) this.presence.applyRemote(claim.state, false);
    else this.presence.applyRemote(claim.state, null);
  }

  private holdingsReceived(from: string, claims: readonly PresenceClaim[], last: boolean, now: number): void {
    let listed = this.listed.get(from);
    if (listed === undefined) this.listed.set(from, (listed = new Set()));
    for (const claim of claims) listed.add(claim.state.deviceId);
    if (!last) return;
    this.listed.delete(from);
    // The parts leave the node in one go (no change of its own can come between them): what it did not list, it lost.
    for (const { deviceId } of this.ledger.heldBy(from)) {
      if (listed.has(deviceId)) continue;
      this.ledger.claimOffline(deviceId, from, null);
      this.presence.setOfflineRemotely(deviceId, now);
    }
  }

  /**
   * Every device this node holds, as claims; their rows are written again too, in case another node set them offline
   * in the database while it could not hear this one.
   */
  private publishHoldings(): void {
    const claims: PresenceClaim[] = [];
    for (const { deviceId, since } of this.ledger.heldBy(this.nodeId)) {
      const state = this.presence.get(deviceId);
      if (state?.online === true) claims.push({ online: true, since, state: { ...state } });
    }
    this.presence.markDirty(claims.map((claim) => claim.state.deviceId));
    // At least one part, so that holding nothing is said too.
    for (let start = 0; start === 0 || start < claims.length; start += CLAIMS_PER_MESSAGE) {
      this.bus.publish<PresenceMessage>(PRESENCE_CHANNEL, { kind: 'claims', claims: claims.slice(start, start + CLAIMS_PER_MESSAGE), holdings: { last: start + CLAIMS_PER_MESSAGE >= claims.length } });
    }
  }

  private publishClaims(claims: readonly PresenceClaim[]): void {
    this.bus.publish<PresenceMessage>(PRESENCE_CHANNEL, { kind: 'claims', claims });
  }

  private safely(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.logger.error({ msg: 'Cluster presence step failed; the next run retries', error });
    }
  }
}

/** The ledger's holder of devices online in the database at start and not claimed yet by a live node. */
const LOADED = '(loaded from the database)';
