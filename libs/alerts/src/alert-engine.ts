import type { CatalogueSource, StandardsProfile } from '@hub/contract';
import type { AlertConfig } from '@hub/config';
import { type HubLogger, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import { AuditLogRepository, type Store } from '@hub/store';
import { AlertStats, EvaluationListener } from './alert-stats';
import { ALWAYS_LEADING, type LeaderFence } from './leader-fence';
import { AlertEvaluationService, InfluxReader } from './evaluation/alert-evaluation.service';
import { AlertScheduler, IntervalJobs } from './evaluation/alert-scheduler';
import type { DeviceDirectory } from './evaluation/device-directory';
import { AlertWorkflowService } from './lifecycle/alert-workflow.service';
import { MqttAlertChannel, ServicePublish } from './notifications/mqtt-alert.channel';
import { NotificationChannel } from './notifications/notification-channel';
import { NotificationDispatcher } from './notifications/notification-dispatcher';
import { WebhookChannel } from './notifications/webhook.channel';
import { AlertDeliveriesService } from './policies/alert-deliveries.service';
import type { ContactPointPort } from './policies/notification-policy';
import { DEFAULT_TIME_ZONE } from './policies/notification-policy';
import { NotificationPolicyEngine } from './policies/notification-policy.engine';
import type { AlertRule } from './rules/alert-rule';
import { ruleSummary } from './rules/alert-rule.document';
import { AlertRulesService } from './rules/alert-rules.service';
import { DefaultRulePacksService } from './rules/default-rule-packs.service';
import { AlertSilencesService } from './silences/alert-silences.service';
import { AlertRepository } from './store/alert.repository';
import { AlertRuleRepository } from './store/alert-rule.repository';
import { AlertSilenceRepository } from './store/alert-silence.repository';
import { NotificationOutboxRepository } from './store/notification-outbox.repository';

/** What the alert engine needs from the outside, each behind a narrow port. */
export interface AlertEnginePorts {
  readonly store: Store;
  readonly influx: InfluxReader;
  readonly directory: DeviceDirectory;
  /** Rules name a domain and metric of the catalogue in force; units and ranges come from it. */
  readonly catalogue: CatalogueSource;
  readonly publish: ServicePublish;
  /** Where notification policies send their messages (the contact points). */
  readonly contactPoints: ContactPointPort;
  readonly jobs: IntervalJobs;
  /** One logger per class, named for it. */
  readonly loggerFor: (context: string) => HubLogger;
  /** Accepted clock skew of readings (ingest's HUB_MAX_FUTURE_SKEW): evaluations read that far ahead. */
  readonly maxFutureMs: number;
  /** The county's time zone (HUB_TIME_ZONE): quiet hours that name none use it. */
  readonly timeZone?: string;
  /** The county's standards profile at start: whose default pack the first start loads (default eu). */
  readonly standardsProfile?: StandardsProfile;
  readonly listener?: EvaluationListener;
  readonly clock?: () => number;
  /**
   * The leader lease of a cluster: every write of the evaluator and the dispatchers is fenced by it. Without one the
   * engine always leads (one node; benchmarks and tests).
   */
  readonly leader?: LeaderFence;
}

/**
 * A send in progress holds its message this many contact point timeouts (an email's SMTP stages are each bounded by
 * one): a leader that dies mid-send leaves the message to the next leader after that long.
 */
const CLAIM_TIMEOUTS = 3;

/** Rows one detail answer may have at most; beyond, its buckets grow. About 4 MB of JSON from InfluxDB. */
const MAX_DETAIL_ROWS = 50_000;

/**
 * The alert engine assembled from plain classes: repositories on the store, the evaluation service and
 * its scheduler, the rule/alert/silence services the API calls, and one notification dispatcher per channel (MQTT,
 * then each webhook). The service wires it with Nest; the benchmark and tests wire it directly.
 */
export class AlertEngine {
  readonly stats: AlertStats;
  readonly alertRepository: AlertRepository;
  readonly ruleRepository: AlertRuleRepository;
  readonly rules: AlertRulesService;
  readonly defaultPacks: DefaultRulePacksService;
  readonly workflow: AlertWorkflowService;
  /** Each alert's notifications (the delivery log rows that concern it), scoped like the alert. */
  readonly deliveries: AlertDeliveriesService;
  readonly silences: AlertSilencesService;
  readonly evaluation: AlertEvaluationService;
  readonly scheduler: AlertScheduler;
  readonly dispatchers: NotificationDispatcher[];
  readonly notificationPolicies: NotificationPolicyEngine;
  private readonly logger: HubLogger;
  private readonly catalogue: CatalogueSource;
  private readonly standardsProfile: StandardsProfile;
  /** The rules as last committed, for what must answer synchronously (Chinese summaries of contact points). */
  private known = new Map<string, AlertRule>();
  /** Refreshes run one after the other, so an older list never replaces a newer one. */
  private refreshing: Promise<void> = Promise.resolve();
  /** The other nodes of a cluster, told when this node changed the rules (the scheduling node follows them). */
  private sharedRules: SharedCacheNotice = UNSHARED_CACHE;
  private started = false;
  /** Whether this node runs the scheduler and the dispatchers now: always without a lease, else between lead() and follow(). */
  private leads: boolean;

  constructor(
    private readonly config: AlertConfig,
    ports: AlertEnginePorts,
  ) {
    const clock = ports.clock ?? Date.now;
    const leader = ports.leader ?? ALWAYS_LEADING;
    this.leads = ports.leader === undefined;
    this.catalogue = ports.catalogue;
    this.logger = ports.loggerFor(AlertEngine.name);
    this.standardsProfile = ports.standardsProfile ?? 'eu';
    this.stats = new AlertStats(ports.listener);
    const store = ports.store;
    this.alertRepository = new AlertRepository(store);
    this.ruleRepository = new AlertRuleRepository(store);
    const silenceRepository = new AlertSilenceRepository(store);
    const outbox = new NotificationOutboxRepository(store);
    // Operator changes are audited in the same transaction as the change itself (always given its executor).
    const audit = new AuditLogRepository(null);

    this.notificationPolicies = new NotificationPolicyEngine(
      {
        tickMs: config.policyTickMs,
        retryMinMs: config.notifyRetryMinMs,
        retryMaxMs: config.notifyRetryMaxMs,
        giveUpAfterMs: config.notifyGiveUpAfterMs,
        claimMs: CLAIM_TIMEOUTS * config.contactPointTimeoutMs,
        defaultTimeZone: ports.timeZone ?? DEFAULT_TIME_ZONE,
      },
      { store, contactPoints: ports.contactPoints, jobs: ports.jobs, audit, catalogue: ports.catalogue, loggerFor: ports.loggerFor, clock, leader },
    );
    const channels: NotificationChannel[] = [
      new MqttAlertChannel(ports.publish),
      ...config.webhooks.map((url, index) => new WebhookChannel(url, index, config.webhookTimeoutMs)),
      this.notificationPolicies.channel,
    ];
    const dispatcherOptions = { retryMinMs: config.notifyRetryMinMs, retryMaxMs: config.notifyRetryMaxMs, maxBacklog: config.notifyBacklog };
    this.dispatchers = channels.map(
      (channel) => new NotificationDispatcher(channel, outbox, dispatcherOptions, this.stats, ports.loggerFor(`${NotificationDispatcher.name}:${channel.label}`), leader),
    );
    const alertsChanged = (): void => this.dispatchers.forEach((dispatcher) => dispatcher.wake());

    this.evaluation = new AlertEvaluationService(
      store,
      ports.influx,
      this.ruleRepository,
      this.alertRepository,
      silenceRepository,
      ports.directory,
      { catalogue: ports.catalogue, lateDataMs: config.lateDataMs, maxFutureMs: ports.maxFutureMs, maxCatchUpMs: config.maxCatchUpMs, maxDetailRows: MAX_DETAIL_ROWS },
      alertsChanged,
      clock,
      leader,
    );
    this.scheduler = new AlertScheduler(
      ports.jobs,
      (id) => this.ruleRepository.get(id),
      (rule) => this.evaluation.evaluate(rule),
      this.stats,
      ports.loggerFor(AlertScheduler.name),
      clock,
    );
    this.rules = new AlertRulesService(
      store,
      this.ruleRepository,
      this.alertRepository,
      async () => {
        await this.refreshRules();
        this.sharedRules.changed();
      },
      alertsChanged,
      audit,
      ports.catalogue,
      ports.loggerFor(AlertRulesService.name),
      clock,
    );
    this.defaultPacks = new DefaultRulePacksService(store, this.rules, this.ruleRepository, audit, ports.catalogue, ports.loggerFor(DefaultRulePacksService.name));
    this.workflow = new AlertWorkflowService(store, this.alertRepository, alertsChanged, audit, clock);
    this.deliveries = new AlertDeliveriesService(this.workflow, this.notificationPolicies.routing);
    this.silences = new AlertSilencesService(store, silenceRepository, audit, ports.catalogue, ports.loggerFor(AlertSilencesService.name), clock);
  }

  /**
   * A rule's alert summary as the rule stands, in Chinese — for messages to zh contact points (each alert stores the
   * English one). Undefined when the rule is gone.
   */
  summaryInChinese(ruleId: string): string | undefined {
    const rule = this.known.get(ruleId);
    if (rule === undefined) return undefined;
    const unit = this.catalogue.current().metricSpec(rule.selector.domain, rule.selector.metric)?.unit ?? '';
    return ruleSummary(rule, unit, 'zh');
  }

  /**
   * Loads the default rules on the first start and the rules and policy tree the API serves. Without a leader lease it
   * also leads at once (schedules every enabled rule, delivers notifications); with one, lead() does that.
   */
  async start(): Promise<void> {
    if (this.config.loadDefaultRules) await this.rules.loadDefaultPack(this.standardsProfile);
    this.started = true;
    this.scheduler.pause();
    await this.refreshRules();
    // The tree first: the policy routing channel's dispatcher consults it from its first delivery.
    await this.notificationPolicies.policies.load();
    if (this.leads) await this.lead();
    else this.logger.log({ msg: 'Alert engine ready; it evaluates and notifies while this node holds the leader lease', rules: this.known.size });
  }

  /**
   * This node took the leader lease: schedule every enabled rule (each catches up from its evaluated-through mark, as
   * after a restart), start the dispatchers from their cursors and the policy ticks. The tree and rules are read anew:
   * another node may have changed them while this one followed.
   */
  async lead(): Promise<void> {
    this.leads = true;
    this.scheduler.resume();
    await this.refreshRules();
    await this.notificationPolicies.policies.load();
    this.notificationPolicies.startTicking();
    for (const dispatcher of this.dispatchers) dispatcher.start();
    this.logger.log({ msg: 'Alert engine leading', rules: this.scheduler.jobCount, channels: this.dispatchers.length });
  }

  /** The lease is lost (or being given up): stop scheduling and delivering, waiting for what is in flight. */
  async follow(): Promise<void> {
    if (!this.leads) return;
    this.leads = false;
    await this.stopLeading();
    this.logger.log({ msg: 'Alert engine following: another node evaluates and notifies' });
  }

  shareRuleChanges(shared: SharedCacheNotice): void {
    this.sharedRules = shared;
  }

  /**
   * The rules again (another node changed them), for CacheCoherence: the refresh reads and installs in one go, after
   * any refresh of this node's own (they run one after the other), so there is nothing left to swap.
   */
  async readRules(): Promise<() => void> {
    // Before start() nothing is scheduled yet, and start() reads the rules itself.
    if (this.started) await this.refreshRules();
    return () => undefined;
  }

  /** Brings the scheduler and the synchronous copy of the rules in line with the committed rules. */
  private refreshRules(): Promise<void> {
    this.refreshing = this.refreshing
      .catch(() => undefined)
      .then(async () => {
        const rules = await this.ruleRepository.list();
        this.known = new Map(rules.map((rule) => [rule.id, rule]));
        this.scheduler.sync(rules);
      });
    return this.refreshing;
  }

  /** Stops scheduling, waits for evaluations in flight, stops the dispatchers (undelivered ones wait in the outbox). */
  async stop(): Promise<void> {
    this.leads = false;
    await this.stopLeading();
  }

  private async stopLeading(): Promise<void> {
    await this.scheduler.stop();
    await Promise.all(this.dispatchers.map((dispatcher) => dispatcher.stop()));
    await this.notificationPolicies.stop();
  }
}
