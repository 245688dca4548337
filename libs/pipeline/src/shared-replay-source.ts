import { HubLogger } from '@hub/common';
import type { ClaimedSpoolBatch, SharedSpoolRepository } from './shared-spool.repository';
import type { ReplaySource } from './spool-replayer';

/** After PostgreSQL failed a claim, the shared spool is asked again only after this long. */
const RETRY_AFTER_FAILURE_MS = 1_000;
/**
 * After finding the shared spool empty, it is asked again only after this long: every node polls it, and an empty
 * spool is the usual state (the replayer itself polls its sources every 200 ms).
 */
const RECHECK_EMPTY_MS = 1_000;

type Claims = Pick<SharedSpoolRepository, 'claimOldest' | 'renew' | 'delete' | 'releaseAll'>;

/**
 * The shared spool as the replayer sees it: peek claims the oldest free row for this node (a lease by the database
 * clock, no transaction held while the batch goes to InfluxDB), commit deletes it. A batch InfluxDB failed is offered
 * again with its claim renewed, so it keeps its place; if the claim was lost meanwhile (it expired and another node
 * took the row over), this node moves on and the other writes it.
 *
 * PostgreSQL failing here never stops the replay: a failed claim reads as "nothing to replay" for a moment, and a
 * failed delete leaves the row to be written again once its claim expires — the same points, which InfluxDB
 * overwrites (series and time equal), so nothing is lost or doubled.
 */
export class SharedReplaySource implements ReplaySource {
  readonly place = 'shared' as const;
  private current: ClaimedSpoolBatch | null = null;
  private retryAt = 0;
  private failing = false;

  constructor(
    private readonly claims: Claims,
    private readonly nodeId: string,
    private readonly leaseMs: number,
    private readonly logger: HubLogger,
  ) {}

  async peek(): Promise<ClaimedSpoolBatch | null> {
    if (Date.now() < this.retryAt) return null;
    try {
      if (this.current !== null) {
        if (await this.claims.renew(this.current.id, this.nodeId, this.leaseMs)) return this.current;
        this.logger.warn({ msg: 'A shared spool batch this node was replaying was taken over by another node after its claim expired; that node writes it', id: this.current.id });
        this.current = null;
      }
      this.current = await this.claims.claimOldest(this.nodeId, this.leaseMs);
      this.recovered();
      if (this.current === null) this.retryAt = Date.now() + RECHECK_EMPTY_MS;
      return this.current;
    } catch (error) {
      this.failed('Could not claim a batch of the shared spool; retrying', error);
      return null;
    }
  }

  async commit(record: { readonly lines: string[] }): Promise<void> {
    const claimed = this.current;
    this.current = null;
    // Released meanwhile (a stop): the row is free for any node, which writes it again to the same points.
    if (claimed === null || claimed.lines !== record.lines) return;
    try {
      if (!(await this.claims.delete(claimed.id, this.nodeId))) {
        this.logger.warn({ msg: 'A replayed shared spool batch had been taken over by another node (its claim expired); that node writes it again, to the same points', id: claimed.id });
      }
    } catch (error) {
      // The batch is in InfluxDB: the row left behind is replayed once more after its claim expires, harmlessly.
      this.failed('Could not delete a replayed batch from the shared spool; it is written again once its claim expires', error);
    }
  }

  /** Gives this node's claims back (a graceful stop; a start, for claims of a run that was killed). */
  async release(): Promise<number> {
    this.current = null;
    try {
      return await this.claims.releaseAll(this.nodeId);
    } catch (error) {
      this.logger.error({ msg: 'Could not release this node\'s claims on the shared spool; other nodes take them once they expire', error });
      return 0;
    }
  }

  private failed(msg: string, error: unknown): void {
    this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
    if (!this.failing) this.logger.error({ msg, error });
    this.failing = true;
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log({ msg: 'The shared spool answers again' });
  }
}
