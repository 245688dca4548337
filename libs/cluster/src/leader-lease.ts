import { performance } from 'node:perf_hooks';
import type { HubLogger } from '@hub/common';
import { sql, type RawBuilder } from 'kysely';
import type { Store, Tx } from '@hub/store';

export interface LeaderLeaseOptions {
  /** The row in cluster_leases: one lease per job that must run on one node at a time ('alerts'). */
  readonly name: string;
  /** HUB_NODE_ID: written as the holder. */
  readonly nodeId: string;
  /** How long a lease lasts after its last renewal, by the database's clock. */
  readonly leaseMs: number;
  /** How often the holder renews it (and a follower tries to take it): well under leaseMs, so one slow renewal is not a loss. */
  readonly renewEveryMs: number;
}

/** The lease of the alert evaluator and notification dispatchers (and the other once-per-cluster jobs). */
export const ALERTS_LEASE = 'alerts';

export const DEFAULT_LEASE_MS = 10_000;
export const DEFAULT_RENEW_EVERY_MS = 3_000;

/** A fenced write found the lease held by someone else, or expired: it was rolled back and wrote nothing. */
export class NotLeaderError extends Error {
  constructor(
    readonly lease: string,
    readonly nodeId: string,
  ) {
    super(`${nodeId} no longer holds the ${lease} lease: its write was rolled back`);
    this.name = 'NotLeaderError';
  }
}

type Listener = (epoch: number) => void;

/**
 * A leader lease in the shared database (cluster_leases): at most one node holds it at a time, for `leaseMs` after
 * its last renewal by the DATABASE's clock (PostgreSQL's clock_timestamp(); on SQLite the one process's clock), so
 * the nodes' clocks need not agree. Taking it when free or expired bumps the epoch; the holder renews it every
 * `renewEveryMs` and loses it when a renewal fails or finds the row changed.
 *
 * Whoever holds it does the work; every write of that work goes through `fence(tx)`, which reads the row in the same
 * transaction (FOR SHARE on PostgreSQL, so a takeover waits for the write to commit or roll back) and aborts unless
 * this node still holds this epoch unexpired. A paused former leader therefore writes nothing when it resumes. What a
 * fence cannot cover (a message to the outside) asks `heldLocally()` right before it goes: false once the lease may
 * have expired by this process's monotonic clock, counted from when the last renewal was sent.
 */
export class LeaderLease {
  private heldEpoch: number | null = null;
  /** performance.now() after which the lease may have expired (the last successful renewal's send time + leaseMs). */
  private deadline = 0;
  private timer: NodeJS.Timeout | null = null;
  private attempting: Promise<void> | null = null;
  private stopped = false;
  private readonly gained = new Set<Listener>();
  private readonly lost = new Set<Listener>();

  constructor(
    private readonly store: Store,
    readonly options: LeaderLeaseOptions,
    private readonly logger: HubLogger,
  ) {
    if (options.renewEveryMs >= options.leaseMs) throw new Error(`the ${options.name} lease must be renewed more often (${options.renewEveryMs} ms) than it lasts (${options.leaseMs} ms)`);
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  /** Whether this node holds the lease (and, by its own clock, it cannot have expired yet). */
  get isLeader(): boolean {
    return this.heldEpoch !== null && this.heldLocally();
  }

  /** The epoch held; null when not leading. */
  get epoch(): number | null {
    return this.heldEpoch;
  }

  /** Runs when the lease is taken (with its epoch). Returns the unsubscribe. */
  onGained(listener: Listener): () => void {
    this.gained.add(listener);
    return () => this.gained.delete(listener);
  }

  /** Runs when the lease is lost or released (with the epoch it had). */
  onLost(listener: Listener): () => void {
    this.lost.add(listener);
    return () => this.lost.delete(listener);
  }

  /** Tries to take the lease now, then renews (or keeps trying) every renewEveryMs. Resolves after the first try. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.attempt();
    this.timer ??= setInterval(() => void this.attempt(), this.options.renewEveryMs);
  }

  /** Stops renewing; a holder gives the lease up at once (expires it), so another node takes over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.attempting;
    const epoch = this.heldEpoch;
    if (epoch === null) return;
    this.lose('released');
    try {
      await this.store.db
        .updateTable('cluster_leases')
        .set({ expires_at: 0 })
        .where('name', '=', this.options.name)
        .where('holder', '=', this.options.nodeId)
        .where('epoch', '=', epoch)
        .execute();
    } catch (error) {
      // Not fatal: the lease then expires by itself, leaseMs after the last renewal.
      this.logger.warn({ msg: 'Could not release the leader lease; it expires by itself', lease: this.options.name, error });
    }
  }

  /**
   * One acquire-or-renew step (the timer's; tests call it directly). Never rejects: a failure of the database while
   * leading loses the lease (the fence would refuse every write anyway).
   */
  attempt(): Promise<void> {
    this.attempting ??= this.runAttempt().finally(() => (this.attempting = null));
    return this.attempting;
  }

  /**
   * Aborts `tx` (throws NotLeaderError) unless this node holds the lease, at the epoch it believes, unexpired by the
   * database's clock. Call it first in every transaction of leader-only work; the row stays share-locked to the end
   * of the transaction on PostgreSQL, so no takeover commits in between. A transaction left idle that long (a frozen
   * process) is ended by the server after half a lease, releasing the row for the takeover.
   */
  async fence(tx: Tx): Promise<void> {
    const epoch = this.heldEpoch;
    if (epoch === null || !this.heldLocally()) throw new NotLeaderError(this.options.name, this.options.nodeId);
    const postgres = this.store.dialect === 'postgres';
    if (postgres) await sql`SELECT set_config('idle_in_transaction_session_timeout', ${String(Math.ceil(this.options.leaseMs / 2))}, true)`.execute(tx.exec);
    const query = tx.exec
      .selectFrom('cluster_leases')
      .select('epoch')
      .where('name', '=', this.options.name)
      .where('holder', '=', this.options.nodeId)
      .where('epoch', '=', epoch)
      .where('expires_at', '>', this.now());
    const row = await (postgres ? query.forShare() : query).executeTakeFirst();
    if (row === undefined) {
      if (this.heldEpoch === epoch) this.lose('fenced');
      throw new NotLeaderError(this.options.name, this.options.nodeId);
    }
  }

  /** False once the lease may have expired by this process's monotonic clock: a message to the outside must not go then. */
  heldLocally(): boolean {
    return this.heldEpoch !== null && performance.now() < this.deadline;
  }

  private async runAttempt(): Promise<void> {
    if (this.stopped) return;
    const sentAt = performance.now();
    try {
      if (this.heldEpoch === null) await this.acquire(sentAt);
      else await this.renew(this.heldEpoch, sentAt);
    } catch (error) {
      if (this.heldEpoch !== null) {
        this.logger.error({ msg: 'Leader lease renewal failed: leadership given up', lease: this.options.name, node: this.options.nodeId, epoch: this.heldEpoch, error });
        this.lose('renewal-failed');
      } else {
        this.logger.warn({ msg: 'Could not try for the leader lease; trying again', lease: this.options.name, error });
      }
    }
  }

  private async acquire(sentAt: number): Promise<void> {
    const now = this.now();
    const { name, nodeId, leaseMs } = this.options;
    // Free, expired, or ours from before a restart (same node id): taken, with a new epoch so that anything the
    // previous holder still has in flight is fenced out.
    const row = await this.store.db
      .insertInto('cluster_leases')
      .values({ name, holder: nodeId, epoch: 1, expires_at: sql<number>`${now} + ${leaseMs}`, renewed_at: now })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder: nodeId, epoch: sql<number>`cluster_leases.epoch + 1`, expires_at: sql<number>`${now} + ${leaseMs}`, renewed_at: now })
          .where((eb) => eb.or([eb('cluster_leases.expires_at', '<=', now), eb('cluster_leases.holder', '=', nodeId)])),
      )
      .returning('epoch')
      .executeTakeFirst();
    if (row === undefined || this.stopped) return;
    this.deadline = sentAt + leaseMs;
    this.heldEpoch = Number(row.epoch);
    this.logger.log({ msg: 'Leader lease taken', lease: name, node: nodeId, epoch: this.heldEpoch });
    this.emit(this.gained, this.heldEpoch);
  }

  private async renew(epoch: number, sentAt: number): Promise<void> {
    // Past our own deadline (a pause, a stall): the lease may be someone else's by now; take it anew instead.
    if (!this.heldLocally()) {
      this.logger.warn({ msg: 'Leader lease expired before it could be renewed (a pause or a stall?): leadership given up', lease: this.options.name, node: this.options.nodeId, epoch });
      this.lose('expired');
      return;
    }
    const now = this.now();
    const { name, nodeId, leaseMs } = this.options;
    const row = await this.store.db
      .updateTable('cluster_leases')
      .set({ expires_at: sql<number>`${now} + ${leaseMs}`, renewed_at: now })
      .where('name', '=', name)
      .where('holder', '=', nodeId)
      .where('epoch', '=', epoch)
      .where('expires_at', '>', now)
      .returning('epoch')
      .executeTakeFirst();
    if (this.heldEpoch !== epoch) return; // lost meanwhile (a fence found it gone)
    if (row === undefined) {
      this.logger.warn({ msg: 'Leader lease found taken over or expired: leadership given up', lease: name, node: nodeId, epoch });
      this.lose('taken-over');
      return;
    }
    this.deadline = sentAt + leaseMs;
  }

  private lose(reason: 'released' | 'renewal-failed' | 'taken-over' | 'expired' | 'fenced'): void {
    const epoch = this.heldEpoch;
    if (epoch === null) return;
    this.heldEpoch = null;
    this.deadline = 0;
    if (reason !== 'released') this.logger.warn({ msg: 'Leader lease lost', lease: this.options.name, node: this.options.nodeId, epoch, reason });
    this.emit(this.lost, epoch);
  }

  private emit(listeners: Set<Listener>, epoch: number): void {
    for (const listener of listeners) {
      try {
        listener(epoch);
      } catch (error) {
        this.logger.error({ msg: 'A leader lease listener failed', lease: this.options.name, error });
      }
    }
  }

  /** The database's clock in ms, as an SQL expression: PostgreSQL's own; on SQLite the one process's. */
  private now(): RawBuilder<number> {
    return this.store.dialect === 'postgres' ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint` : sql<number>`${Date.now()}`;
  }
}
