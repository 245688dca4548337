import { formatDuration, type HubLogger } from '@hub/common';
import { ALWAYS_LEADING, type LeaderFence } from '../leader-fence';
import type { AlertNotification } from '../lifecycle/alert.view';
import { deliveredAlerts, type DeliveryLog } from './delivery-log';
import type { ContactPointAnswer, ContactPointPort } from './notification-policy';
import type { DeliveryOutcome, NotificationRoutingRepository, OutgoingMessage } from './notification-routing.repository';

export interface SenderOptions {
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** A message still refused (retryable) this long after it was queued is given up. */
  readonly giveUpAfterMs: number;
  /**
   * How long a message is claimed by the send in progress: longer than any send can take. A leader that dies mid-send
   * leaves its claim; the next leader sends the message once the claim has run out.
   */
  readonly claimMs: number;
}

/**
 * Messages a minute a group robot takes, as its platform documents it (DingTalk and WeCom: 20; Feishu: 100, and 5 a
 * second, which one-at-a-time sending keeps to in practice). Other kinds are not limited here.
 */
export const ROBOT_MESSAGES_PER_MINUTE: Readonly<Record<string, number>> = { dingtalk: 20, wecom: 20, feishu: 100 };
const MINUTE = 60_000;
/** Most messages, and alerts, sent together as one when a robot's minute is nearly used up. */
const MAX_TOGETHER = 50;

/**
 * Sends the queued messages: each contact point its own in order, one at a time, while the others go on — so a dead
 * contact point (not ok, retryable) waits out its back-off without holding up anyone else, and evaluation never waits
 * for any of them. A message leaves the queue when sent, refused for good, or still refused `giveUpAfterMs` after it
 * was queued (so a contact point dead for a day does not hold its later messages for ever); every attempt is in the
 * delivery log. A crash between the send and its removal sends it again at the next start (at least once out).
 */
export class ContactPointSender {
  private readonly busy = new Map<string, Promise<void>>();
  /** When each rate-limited robot was last sent to, within the last minute. */
  private readonly recentSends = new Map<string, number[]>();

  constructor(
    private readonly port: ContactPointPort,
    private readonly state: NotificationRoutingRepository,
    private readonly log: DeliveryLog,
    private readonly options: SenderOptions,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
    private readonly leader: LeaderFence = ALWAYS_LEADING,
  ) {}

  /**
   * Starts a send for every idle contact point whose next message is due (and whose robot has room this minute);
   * resolves once they are started, not sent (idle() waits for those). The messages are claimed first, all in one
   * fenced transaction: a former leader cannot claim, and a leader that dies after the claim leaves them to the next
   * one once the claim runs out (at least once; sent twice only if it died between the provider's answer and its
   * record). The sends then start in queue order, each contact point's on its own.
   */
  async sendDue(): Promise<void> {
    const now = this.clock();
    const heads = (await this.state.headsOfQueues()).filter((head) => head.nextAttemptAt <= now && !this.busy.has(head.contactPoint));
    // Marked busy before anything more is awaited, so that a contact point never has two sends in flight.
    let claimed!: () => void;
    const claiming = new Promise<void>((resolve) => (claimed = resolve));
    for (const head of heads) this.busy.set(head.contactPoint, claiming);
    const batches: OutgoingMessage[][] = [];
    try {
      for (const head of heads) {
        const batch = await this.batchOf(head, now);
        if (batch === undefined) this.busy.delete(head.contactPoint);
        else batches.push(batch);
      }
      if (batches.length > 0) {
        await this.log.transaction(async (tx) => {
          await this.leader.fence(tx);
          for (const message of batches.flat()) await this.state.retryLater(message.id, message.attempts, now + this.options.claimMs, tx.exec);
        });
      }
    } catch (error) {
      for (const head of heads) this.busy.delete(head.contactPoint);
      // Not leading any more, or the store failed: nothing was claimed or sent; the messages stay queued.
      this.logger.error({ msg: 'Contact point messages not claimed, nothing sent; tried again at a later tick', contactPoints: heads.map((head) => head.contactPoint), error });
      return;
    } finally {
      claimed();
    }
    for (const batch of batches) {
      const { contactPoint, route } = batch[0];
      const sending = this.attempt(batch)
        .catch((error: unknown) => {
          // The store failed (the send itself never throws here): the message stays queued and is tried again.
          this.logger.error({ msg: 'Contact point send not recorded, retried at a later tick', contactPoint, route, error });
        })
        .finally(() => this.busy.delete(contactPoint));
      this.busy.set(contactPoint, sending);
    }
  }

  /**
   * What to send now: the head message alone; or, for a robot with a rate limit, nothing while its minute is used up
   * (the messages wait for a free slot), and every message due together as one when fewer sends are left this minute
   * than messages wait — grouping rather than dropping, so a storm of alerts reaches the group at once.
   */
  private async batchOf(head: OutgoingMessage, now: number): Promise<OutgoingMessage[] | undefined> {
    const kind = this.port.kindOf(head.contactPoint);
    const limit = kind === undefined ? undefined : ROBOT_MESSAGES_PER_MINUTE[kind];
    if (limit === undefined) return [head];
    const recent = (this.recentSends.get(head.contactPoint) ?? []).filter((at) => at > now - MINUTE);
    this.recentSends.set(head.contactPoint, recent);
    const left = limit - recent.length;
    if (left <= 0) return undefined;
    const due = await this.state.dueOf(head.contactPoint, now, MAX_TOGETHER);
    if (due.length <= left) return [head];
    const batch: OutgoingMessage[] = [];
    let alerts = 0;
    for (const message of due) {
      const carried = (JSON.parse(message.alerts) as unknown[]).length;
      if (batch.length > 0 && alerts + carried > MAX_TOGETHER) break;
      batch.push(message);
      alerts += carried;
    }
    return batch;
  }

  /** Waits for the sends in flight (stop). */
  async idle(): Promise<void> {
    await Promise.all(this.busy.values());
  }

  private async attempt(batch: readonly OutgoingMessage[]): Promise<void> {
    const [first] = batch;
    const { contactPoint } = first;
    const carried = batch.map((message) => JSON.parse(message.alerts) as AlertNotification[]);
    const context = { route: first.route, level: Math.max(...batch.map((message) => message.level)), reason: first.reason };
    if (batch.length > 1) {
      this.logger.log({ msg: 'Robot near its rate limit: due messages sent as one', contactPoint, messages: batch.length, alerts: carried.flat().length });
    }
    // Paused between the claim and here past the lease: the claim is the next leader's to honour; nothing goes.
    if (!this.leader.heldLocally()) return;
    this.recentSends.get(contactPoint)?.push(this.clock());
    let answer: ContactPointAnswer;
    try {
      answer = await this.port.send(contactPoint, carried.flat(), context);
    } catch (error) {
      // A bug or an outage in the sender itself: retried like a retryable refusal.
      this.logger.error({ msg: 'Contact point send threw', contactPoint, route: first.route, error });
      answer = { ok: false, retryable: true, providerAnswer: error instanceof Error ? error.message : String(error) };
    }
    const now = this.clock();
    // Each message keeps its own story in the log: its attempts, and whether it was retried or given up.
    const judged = batch.map((message, index) => ({ message, alerts: carried[index], attempt: message.attempts + 1, ...this.judge(answer, message, message.attempts + 1, now) }));
    // The send is over before the transaction begins: nothing waits on the network while holding it.
    await this.log.transaction(async (tx) => {
      await this.leader.fence(tx);
      for (const { message, alerts, attempt, outcome, providerAnswer } of judged) {
        await this.log.record(
          { at: now, messageId: message.id, route: message.route, contactPoint, level: message.level, reason: message.reason, outcome, attempt, alerts: deliveredAlerts(alerts), providerAnswer },
          tx,
        );
        if (outcome === 'failed') await this.state.retryLater(message.id, attempt, now + this.backoff(attempt), tx.exec);
        else await this.state.done(message.id, tx.exec);
      }
    });
    for (const { message, attempt, outcome, providerAnswer } of judged) {
      if (outcome === 'failed') {
        this.logger.warn({ msg: 'Contact point refused a message, retrying', contactPoint, route: message.route, attempt, retryInMs: this.backoff(attempt), providerAnswer });
      } else if (outcome === 'given-up') {
        this.logger.error({ msg: 'Contact point message given up, not retried', contactPoint, route: message.route, attempt, providerAnswer });
      }
    }
  }

  /** sent; failed (retried); or given-up: refused for good, or still refused after the bound (the answer says which). */
  private judge(answer: ContactPointAnswer, message: OutgoingMessage, attempt: number, now: number): { outcome: DeliveryOutcome; providerAnswer: string } {
    if (answer.ok) return { outcome: 'sent', providerAnswer: answer.providerAnswer };
    if (!answer.retryable) return { outcome: 'given-up', providerAnswer: answer.providerAnswer };
    if (now - message.createdAt < this.options.giveUpAfterMs) return { outcome: 'failed', providerAnswer: answer.providerAnswer };
    const attempts = attempt === 1 ? '1 attempt' : `${attempt} attempts`;
    return { outcome: 'given-up', providerAnswer: `still failing after ${formatDuration(this.options.giveUpAfterMs)}, ${attempts}: ${answer.providerAnswer}` };
  }

  private backoff(attempt: number): number {
    return Math.min(this.options.retryMaxMs, this.options.retryMinMs * 2 ** Math.min(attempt - 1, 30));
  }
}
