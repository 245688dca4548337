import type { CatalogueSource } from '@hub/contract';
import type { HubLogger } from '@hub/common';
import type { Store } from '@hub/store';
import type { AlertAudit } from '../alert-audit';
import type { IntervalJobs } from '../evaluation/alert-scheduler';
import type { LeaderFence } from '../leader-fence';
import { ContactPointSender } from './contact-point.sender';
import { DeliveryLog } from './delivery-log';
import { type ContactPointPort, parsePersonalDestination } from './notification-policy';
import { NotificationPolicyRepository } from './notification-policy.repository';
import { NotificationPoliciesService } from './notification-policies.service';
import { NotificationRouter } from './notification-router';
import { NotificationRoutingRepository } from './notification-routing.repository';
import { PolicyRoutingChannel } from './policy-routing.channel';

export interface PolicyEngineOptions {
  /** How often due groups, repeats and escalation levels are looked for, and queued messages sent. */
  readonly tickMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  /** Quiet hours that name no zone are in this one (the county's). */
  readonly defaultTimeZone: string;
  /** A message still refused this long after it was queued is given up. */
  readonly giveUpAfterMs: number;
  /** How long a send in progress holds its message (ContactPointSender): longer than any send can take. */
  readonly claimMs: number;
}

export interface PolicyEnginePorts {
  readonly store: Store;
  readonly contactPoints: ContactPointPort;
  readonly jobs: IntervalJobs;
  readonly audit: AlertAudit;
  readonly catalogue: CatalogueSource;
  readonly loggerFor: (context: string) => HubLogger;
  readonly clock: () => number;
  /** Routing and sending write, and send, only while this node leads. */
  readonly leader?: LeaderFence;
}

/**
 * Notification policies and escalation assembled: the tree (service), the outbox channel that feeds the router, and
 * one interval job that queues what is due and starts the sends.
 */
export class NotificationPolicyEngine {
  static readonly JOB = 'notification-policies';
  readonly policies: NotificationPoliciesService;
  readonly routing: NotificationRoutingRepository;
  /** Every queueing and attempt, per alert; counted by outcome and kind. */
  readonly deliveryLog: DeliveryLog;
  readonly router: NotificationRouter;
  readonly channel: PolicyRoutingChannel;
  readonly sender: ContactPointSender;
  private readonly logger: HubLogger;
  /** The tick in progress: the next one is skipped while it runs (ticks never overlap). */
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly options: PolicyEngineOptions,
    private readonly ports: PolicyEnginePorts,
  ) {
    this.logger = ports.loggerFor(NotificationPolicyEngine.name);
    this.policies = new NotificationPoliciesService(
      ports.store,
      new NotificationPolicyRepository(ports.store),
      ports.audit,
      ports.catalogue,
      (name) => ports.contactPoints.kindOf(name),
      ports.loggerFor(NotificationPoliciesService.name),
      ports.clock,
      options.defaultTimeZone,
    );
    this.routing = new NotificationRoutingRepository(ports.store);
    // A personal destination (`@li.wei/email`) is of its channel's kind.
    this.deliveryLog = new DeliveryLog(ports.store, this.routing, (name) => parsePersonalDestination(name)?.channel ?? ports.contactPoints.kindOf(name));
    this.router = new NotificationRouter(this.routing, () => this.policies.current(), this.deliveryLog, ports.loggerFor(NotificationRouter.name), (names) =>
      ports.contactPoints.personalRecipients(names),
      ports.leader,
    );
    this.sender = new ContactPointSender(ports.contactPoints, this.routing, this.deliveryLog, options, ports.loggerFor(ContactPointSender.name), ports.clock, ports.leader);
    this.channel = new PolicyRoutingChannel(this.router, ports.clock, () => undefined);
  }

  /** Loads the routing tree (every node: the API serves it), then ticks (the leader: see startTicking). */
  async start(): Promise<void> {
    await this.policies.load();
    this.startTicking();
  }

  /** The leader's part: queue what is due and send it, every tick. */
  startTicking(): void {
    this.ports.jobs.add(NotificationPolicyEngine.JOB, this.options.tickMs, () => void this.tick());
  }

  /**
   * Queues what is due and starts the sends; never rejects into the scheduler. While a tick runs, a new one is not
   * started (it answers the one in progress): two ticks side by side would wait on each other's routing lock anyway.
   */
  tick(): Promise<void> {
    this.ticking ??= this.runTick().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    try {
      await this.router.tick(this.ports.clock());
      await this.sender.sendDue();
    } catch (error) {
      this.logger.error({ msg: 'Notification policy tick failed', error });
    }
  }

  async stop(): Promise<void> {
    this.ports.jobs.remove(NotificationPolicyEngine.JOB);
    await this.ticking;
    await this.sender.idle();
  }
}
