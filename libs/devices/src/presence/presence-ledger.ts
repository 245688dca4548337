/**
 * Who holds each device's connection across the hub's nodes, and which nodes are alive. Pure (the caller passes the
 * clock), so the rules below are tested without timers or Redis.
 *
 * - Each node owns the presence of the devices connected to it and announces changes as claims: "online since t"
 *   (t = when that connection started, on the claiming node's clock) and "offline: my connection of t ended".
 * - The newest connection wins: an online claim older than the one held is stale (a delayed message, or the node a
 *   device left); an offline claim from a node that no longer holds the device is stale (the old node noticing the
 *   takeover after the device connected elsewhere).
 * - A node not heard from for `silenceMs` is dead: its devices go offline, once (they leave the ledger), unless they
 *   reconnected elsewhere meanwhile (then they are held by that node and untouched).
 * - A ledger that cannot tell the others' silence from its own gives every node a fresh grace instead of declaring
 *   them dead: when its own ticks stopped for half the silence (this process was frozen, or its clock jumped), and when
 *   its own messages stopped coming back (the bus is down: everybody would look dead, and every device would be set
 *   offline in the database). A node receives its own messages; `heard(self)` records them.
 */
export interface Holding {
  readonly node: string;
  /** When the holder's connection started, on the holder's clock. */
  readonly since: number;
}

/** Devices that went offline because their holder died. */
export interface NodeDeath {
  readonly node: string;
  readonly devices: ReadonlyArray<{ readonly deviceId: string; readonly since: number }>;
}

export class PresenceLedger {
  /** node → when it was last heard from (this node's clock). */
  private readonly nodes = new Map<string, number>();
  private readonly holders = new Map<string, Holding>();
  private lastTick: number | null = null;
  /** When this node last received one of its own messages (null: never yet). */
  private selfHeardAt: number | null = null;

  constructor(
    readonly self: string,
    private readonly silenceMs: number,
  ) {}

  /** A message from `node` arrived. Answers true when the node was not known alive (new, or back after being declared dead). */
  heard(node: string, now: number): boolean {
    if (node === this.self) {
      const first = this.selfHeardAt === null;
      this.selfHeardAt = now;
      return first;
    }
    const known = this.nodes.has(node);
    this.nodes.set(node, now);
    return !known;
  }

  /** Whether `node` claims the device online since `since`; answers whether the claim holds (the device is online there). */
  claimOnline(deviceId: string, node: string, since: number): boolean {
    const held = this.holders.get(deviceId);
    if (held !== undefined && held.node !== node && since < held.since) return false;
    this.holders.set(deviceId, { node, since });
    return true;
  }

  /**
   * `node` says its connection of the device ended (`since`: when that connection started; null: not known, e.g. a
   * status message). Answers whether the device is offline now; false: another node (or a newer connection on the
   * same node) holds it.
   */
  claimOffline(deviceId: string, node: string, since: number | null): boolean {
    const held = this.holders.get(deviceId);
    if (held === undefined) return true;
    if (held.node !== node) return false;
    if (since !== null && since < held.since) return false;
    this.holders.delete(deviceId);
    return true;
  }

  holderOf(deviceId: string): Holding | undefined {
    return this.holders.get(deviceId);
  }

  /** Devices held by `node`. */
  heldBy(node: string): Array<{ deviceId: string; since: number }> {
    const held: Array<{ deviceId: string; since: number }> = [];
    for (const [deviceId, holding] of this.holders) if (holding.node === node) held.push({ deviceId, since: holding.since });
    return held;
  }

  isAlive(node: string): boolean {
    return node === this.self || this.nodes.has(node);
  }

  /** Whether this node's own messages come back over the bus (within half the silence). */
  busWorks(now: number): boolean {
    return this.selfHeardAt !== null && now - this.selfHeardAt <= this.silenceMs / 2;
  }

  /** `node` restarted (a new process under the same id): what its previous process held is offline, as at a death. */
  forget(node: string): NodeDeath {
    this.nodes.delete(node);
    const devices = this.heldBy(node);
    for (const { deviceId } of devices) this.holders.delete(deviceId);
    return { node, devices };
  }

  /** The nodes silent for longer than the silence, each with the devices that went offline with it (removed from the ledger). */
  expire(now: number): NodeDeath[] {
    // Half the silence: a frozen process resumes with the others' messages still unread in its socket.
    const paused = this.lastTick !== null && now - this.lastTick > this.silenceMs / 2;
    this.lastTick = now;
    if (paused || !this.busWorks(now)) {
      for (const node of this.nodes.keys()) this.nodes.set(node, now);
      return [];
    }
    const deaths: NodeDeath[] = [];
    for (const [node, heardAt] of this.nodes) {
      if (node === this.self || now - heardAt <= this.silenceMs) continue;
      deaths.push(this.forget(node));
    }
    return deaths;
  }
}
