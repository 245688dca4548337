import { HubLogger } from '@hub/common';
import { isDatabaseUnavailable } from '@hub/store';
import type { SharedSpoolRepository } from './shared-spool.repository';
import { BatchSpool, SpoolPlace } from './spool-port';

/**
 * Longest an append to the shared spool may take before the batch goes to the local spool instead. A late commit
 * then leaves the batch in both spools: it is written twice, to the same points (harmless), never acknowledged twice.
 */
export const SHARED_APPEND_TIMEOUT_MS = 5_000;

/**
 * The spool of a hub on PostgreSQL: a batch is committed to the shared spool table, where any node can replay it if
 * this one dies. When PostgreSQL cannot take it (unreachable, failing over, any error, or slower than
 * SHARED_APPEND_TIMEOUT_MS) the batch goes to the local fsync'd outage spool instead, the last resort, which this
 * node replays itself (after a restart too). Each batch is acknowledged once, from whichever spool took it.
 */
export class SharedBatchSpool implements BatchSpool {
  /** The shared spool failed its last append: batches go to the local spool (logged on each change). */
  private failing = false;

  constructor(
    private readonly repository: Pick<SharedSpoolRepository, 'append'>,
    private readonly nodeId: string,
    private readonly local: BatchSpool,
    private readonly logger: HubLogger,
    private readonly timeoutMs = SHARED_APPEND_TIMEOUT_MS,
  ) {}

  async appendPayload(payload: Buffer, lines: number): Promise<SpoolPlace> {
    try {
      await this.appendShared(payload.toString('utf8'), lines);
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.logger.error({
          msg: 'The shared spool in PostgreSQL could not take a batch; spooling to the local disk until it can (this node replays those itself)',
          databaseUnavailable: isDatabaseUnavailable(error),
          error,
        });
      }
      return this.local.appendPayload(payload, lines);
    }
    if (this.failing) {
      this.failing = false;
      this.logger.log({ msg: 'The shared spool in PostgreSQL takes batches again' });
    }
    return 'shared';
  }

  private appendShared(payload: string, lines: number): Promise<void> {
    const append = this.repository.append(this.nodeId, payload, lines);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the shared spool took longer than ${this.timeoutMs} ms to commit a batch`)), this.timeoutMs);
    });
    // Settled by the race either way; a failure after the timeout has nobody left to tell.
    append.catch(() => undefined);
    return Promise.race([append, late]).finally(() => clearTimeout(timer));
  }
}
