import type { HubLogger } from '@hub/common';
import type { Tx } from '@hub/store';
import { ALWAYS_LEADING, type LeaderFence } from '../leader-fence';
import type { AlertNotification } from '../lifecycle/alert.view';
import { deliveredAlerts, type DeliveryLog } from './delivery-log';
import type { NotificationPolicyTree, PersonalRecipient, ResolvedRoute, SendReason } from './notification-policy';
import { releaseTime } from './quiet-hours';
import { groupKeyOf, matchRoutes, routesByKey } from './route-matcher';
import type { GroupRow, NotificationRoutingRepository, OpenAlertRow } from './notification-routing.repository';

/** Held by record and tick for the whole of their transaction. */
const ROUTING_LOCK = 'notification-routing';

/**
 * Turns the outbox's alert changes into messages per route, by the policy tree:
 * - record(): a fired/reopened or resolved alert joins its route's group (route + rule + domain + town); the group's
 *   first message waits groupWait, later ones groupInterval after the last, so 30 devices crossing one rule together
 *   make one message. A firing alert is "open" on its route until acknowledged or resolved: it is repeated and
 *   escalated while open.
 * - tick(): queues the messages now due (groups, repeats, escalation levels) for the sender, each logged `queued`.
 * Each step is one transaction with the state it changes, so a restart resumes where it was: a level that was queued
 * is never queued again, and one that was due is queued at the first tick after the start. Redelivered outbox events
 * (at least once) are recognised by their id and ignored. Both steps read the state they then change (the last event
 * id, a group's due time, an alert's level): each takes the routing lock first, so on PostgreSQL, where transactions
 * run side by side, two records of one event route it once and a record never interleaves with a tick.
 */
export class NotificationRouter {
  constructor(
    private readonly state: NotificationRoutingRepository,
    private readonly tree: () => NotificationPolicyTree,
    private readonly log: DeliveryLog,
    private readonly logger: HubLogger,
    /** Operators subscribed to routes of these names. */
    private readonly subscribers: (routeNames: readonly string[]) => readonly PersonalRecipient[] = () => [],
    /** Both steps write only while this node leads (a paused former leader's routing is rolled back). */
    private readonly leader: LeaderFence = ALWAYS_LEADING,
  ) {}

  async record(notification: AlertNotification, now: number): Promise<void> {
    await this.log.transaction(async (tx) => {
      await this.leader.fence(tx);
      await tx.lock(ROUTING_LOCK);
      if (notification.eventId <= (await this.state.lastEventId(tx.exec))) return; // a redelivery: already routed
      await this.route(notification, now, tx);
      await this.state.setLastEventId(notification.eventId, tx.exec);
    });
  }

  private async route(notification: AlertNotification, now: number, tx: Tx): Promise<void> {
    const { alert } = notification;
    const groupKey = groupKeyOf(alert);
    switch (notification.event) {
      case 'acknowledged':
        await this.state.closeAlert(alert.id, tx.exec);
        return;
      case 'resolved':
        await this.state.closeAlert(alert.id, tx.exec);
        for (const route of matchRoutes(this.tree(), alert)) await this.addToGroup(route, groupKey, notification, 'resolved', now, tx);
        return;
      case 'fired':
      case 'reopened':
        for (const route of matchRoutes(this.tree(), alert)) {
          await this.addToGroup(route, groupKey, notification, 'new', now, tx);
          const firstLevel = route.escalation[0];
          const firedAt = Date.parse(notification.at);
          await this.state.saveOpenAlert(
            {
              route: route.key,
              alertId: alert.id,
              groupKey,
              severity: alert.severity,
              firedAt,
              level: 0,
              nextLevelAt: firstLevel === undefined ? null : firedAt + firstLevel.afterMs,
              payload: JSON.stringify(notification),
            },
            tx.exec,
          );
        }
        return;
      default:
        return; // flapping marks and history-only kinds are not sent to people
    }
  }

  private async addToGroup(route: ResolvedRoute, groupKey: string, notification: AlertNotification, reason: 'new' | 'resolved', now: number, tx: Tx): Promise<void> {
    // A named route may have subscribers even with no contact point of its own.
    if (route.contactPoints.length === 0 && route.escalation.length === 0 && route.names.length === 0) return;
    await this.state.addPending(route.key, groupKey, { alertId: notification.alert.id, eventId: notification.eventId, reason, payload: JSON.stringify(notification) }, tx.exec);
    const group = await this.state.group(route.key, groupKey, tx.exec);
    if (group?.dueAt != null) return; // already waiting: this change joins that message
    const dueAt = group?.lastSentAt == null ? now + route.groupWaitMs : Math.max(now, group.lastSentAt + route.groupIntervalMs);
    await this.state.saveGroup(
      { route: route.key, groupKey, severity: notification.alert.severity, dueAt, lastSentAt: group?.lastSentAt ?? null, repeatDueAt: group?.repeatDueAt ?? null },
      tx.exec,
    );
  }

  /** Queues what is due at `now`; returns how many messages were queued. */
  async tick(now: number): Promise<number> {
    return this.log.transaction(async (tx) => {
      await this.leader.fence(tx);
      await tx.lock(ROUTING_LOCK);
      const routes = routesByKey(this.tree());
      let queued = 0;
      for (const group of await this.state.groupsDue(now, tx.exec)) {
        const route = routes.get(group.route);
        if (route === undefined) {
          // The tree changed under it: the route is gone, and so are its plans.
          this.logger.warn({ msg: 'Notification group of a removed route dropped', route: group.route, group: group.groupKey });
          await this.state.saveGroup({ ...group, dueAt: null, repeatDueAt: null }, tx.exec);
          await this.state.takePending(group.route, group.groupKey, tx.exec);
          continue;
        }
        queued += await this.flushGroup(route, group, now, tx);
      }
      queued += await this.escalate(routes, now, tx);
      return queued;
    });
  }

  private async flushGroup(route: ResolvedRoute, group: GroupRow, now: number, tx: Tx): Promise<number> {
    const release = releaseTime(route.quietHours, group.severity, now);
    if (release > now) {
      // Quiet hours: held, and sent when the window ends.
      await this.state.saveGroup({ ...group, dueAt: group.dueAt === null ? null : release, repeatDueAt: group.repeatDueAt === null ? null : release }, tx.exec);
      return 0;
    }
    let queued = 0;
    let { lastSentAt, repeatDueAt } = group;
    if (group.dueAt !== null && group.dueAt <= now) {
      const changes = await this.state.takePending(group.route, group.groupKey, tx.exec);
      if (changes.length > 0) {
        const reason: SendReason = changes.some((change) => change.reason === 'new') ? 'new' : 'resolved';
        queued += await this.queue(route, route.contactPoints, 0, reason, changes.map((change) => change.payload), now, tx);
        lastSentAt = now;
        repeatDueAt = route.repeatIntervalMs > 0 ? now + route.repeatIntervalMs : null;
      }
    } else if (repeatDueAt !== null && repeatDueAt <= now) {
      const open = await this.state.openAlertsOf(group.route, group.groupKey, tx.exec);
      if (open.length > 0) queued += await this.queue(route, route.contactPoints, 0, 'repeat', open.map((alert) => alert.payload), now, tx);
      repeatDueAt = open.length > 0 && route.repeatIntervalMs > 0 ? now + route.repeatIntervalMs : null;
    }
    await this.state.saveGroup({ ...group, dueAt: group.dueAt !== null && group.dueAt > now ? group.dueAt : null, lastSentAt, repeatDueAt }, tx.exec);
    return queued;
  }

  /** Open alerts whose next level is due: one message per route, group and level, listing them. */
  private async escalate(routes: Map<string, ResolvedRoute>, now: number, tx: Tx): Promise<number> {
    const batches = new Map<string, { route: ResolvedRoute; level: number; alerts: OpenAlertRow[] }>();
    for (const open of await this.state.escalationsDue(now, tx.exec)) {
      const route = routes.get(open.route);
      const level = open.level + 1;
      const next = route?.escalation[level];
      if (route === undefined || route.escalation[level - 1] === undefined) {
        await this.state.saveOpenAlert({ ...open, nextLevelAt: null }, tx.exec);
        continue;
      }
      if (releaseTime(route.quietHours, open.severity, now) > now) continue;
      await this.state.saveOpenAlert({ ...open, level, nextLevelAt: next === undefined ? null : open.firedAt + next.afterMs }, tx.exec);
      const key = `${open.route}\n${open.groupKey}\n${level}`;
      const batch = batches.get(key) ?? { route, level, alerts: [] };
      batch.alerts.push(open);
      batches.set(key, batch);
    }
    let queued = 0;
    for (const { route, level, alerts } of batches.values()) {
      queued += await this.queue(route, route.escalation[level - 1].contactPoints, level, 'escalation', alerts.map((alert) => alert.payload), now, tx);
    }
    return queued;
  }

  /**
   * One message per contact point; at level 0 (not escalations, which name their own people) also one per operator
   * subscribed to the route or a route above it, holding only the alerts in that operator's scope.
   */
  private async queue(route: ResolvedRoute, contactPoints: readonly string[], level: number, reason: SendReason, payloads: string[], now: number, tx: Tx): Promise<number> {
    const alerts = `[${payloads.join(',')}]`;
    const queueOne = async (contactPoint: string, carried: string, summary: ReturnType<typeof deliveredAlerts>): Promise<void> => {
      const messageId = await this.state.queue({ route: route.key, contactPoint, level, reason, alerts: carried, nextAttemptAt: now }, now, tx.exec);
      await this.log.record({ at: now, messageId, route: route.key, contactPoint, level, reason, outcome: 'queued', attempt: 0, alerts: summary, providerAnswer: '' }, tx);
    };
    const notifications = JSON.parse(alerts) as AlertNotification[];
    const summary = deliveredAlerts(notifications);
    for (const contactPoint of contactPoints) await queueOne(contactPoint, alerts, summary);
    let queued = contactPoints.length;
    if (level > 0 || route.names.length === 0) return queued;
    for (const recipient of this.subscribers(route.names)) {
      const theirs = notifications.map((notification, index) => ({ notification, payload: payloads[index] })).filter(({ notification }) => recipient.covers(notification.alert));
      if (theirs.length === 0) continue;
      await queueOne(recipient.destination, `[${theirs.map(({ payload }) => payload).join(',')}]`, deliveredAlerts(theirs.map(({ notification }) => notification)));
      queued++;
    }
    return queued;
  }
}
