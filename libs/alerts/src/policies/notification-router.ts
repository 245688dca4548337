import type { HubLogger } from '@hub/common';
import type { AlertNotification } from '../lifecycle/alert.view';
import { deliveredAlerts, type DeliveryLog } from './delivery-log';
import type { NotificationPolicyTree, PersonalRecipient, ResolvedRoute, SendReason } from './notification-policy';
import { releaseTime } from './quiet-hours';
import { groupKeyOf, matchRoutes, routesByKey } from './route-matcher';
import type { GroupRow, NotificationRoutingRepository, OpenAlertRow } from './notification-routing.repository';

/**
 * Turns the outbox's alert changes into messages per route, by the policy tree:
 * - record(): a fired/reopened or resolved alert joins its route's group (route + rule + domain + town); the group's
 *   first message waits groupWait, later ones groupInterval after the last, so 30 devices crossing one rule together
 *   make one message. A firing alert is "open" on its route until acknowledged or resolved: it is repeated and
 *   escalated while open.
 * - tick(): queues the messages now due (groups, repeats, escalation levels) for the sender, each logged `queued`.
 * Each step is one transaction with the state it changes, so a restart resumes where it was: a level that was queued
 * is never queued again, and one that was due is queued at the first tick after the start. Redelivered outbox events
 * (at least once) are recognised by their id and ignored.
 */
export class NotificationRouter {
  constructor(
    private readonly state: NotificationRoutingRepository,
    private readonly tree: () => NotificationPolicyTree,
    private readonly log: DeliveryLog,
    private readonly logger: HubLogger,
    /** Operators subscribed to routes of these names. */
    private readonly subscribers: (routeNames: readonly string[]) => readonly PersonalRecipient[] = () => [],
  ) {}

  record(notification: AlertNotification, now: number): void {
    this.state.transaction(() => {
      if (notification.eventId <= this.state.lastEventId()) return; // a redelivery: already routed
      this.route(notification, now);
      this.state.setLastEventId(notification.eventId);
    });
  }

  private route(notification: AlertNotification, now: number): void {
    const { alert } = notification;
    const groupKey = groupKeyOf(alert);
    switch (notification.event) {
      case 'acknowledged':
        this.state.closeAlert(alert.id);
        return;
      case 'resolved':
        this.state.closeAlert(alert.id);
        for (const route of matchRoutes(this.tree(), alert)) this.addToGroup(route, groupKey, notification, 'resolved', now);
        return;
      case 'fired':
      case 'reopened':
        for (const route of matchRoutes(this.tree(), alert)) {
          this.addToGroup(route, groupKey, notification, 'new', now);
          const firstLevel = route.escalation[0];
          const firedAt = Date.parse(notification.at);
          this.state.saveOpenAlert({
            route: route.key,
            alertId: alert.id,
            groupKey,
            severity: alert.severity,
            firedAt,
            level: 0,
            nextLevelAt: firstLevel === undefined ? null : firedAt + firstLevel.afterMs,
            payload: JSON.stringify(notification),
          });
        }
        return;
      default:
        return; // flapping marks and history-only kinds are not sent to people
    }
  }

  private addToGroup(route: ResolvedRoute, groupKey: string, notification: AlertNotification, reason: 'new' | 'resolved', now: number): void {
    // A named route may have subscribers even with no contact point of its own.
    if (route.contactPoints.length === 0 && route.escalation.length === 0 && route.names.length === 0) return;
    this.state.addPending(route.key, groupKey, { alertId: notification.alert.id, eventId: notification.eventId, reason, payload: JSON.stringify(notification) });
    const group = this.state.group(route.key, groupKey);
    if (group?.dueAt != null) return; // already waiting: this change joins that message
    const dueAt = group?.lastSentAt == null ? now + route.groupWaitMs : Math.max(now, group.lastSentAt + route.groupIntervalMs);
    this.state.saveGroup({ route: route.key, groupKey, severity: notification.alert.severity, dueAt, lastSentAt: group?.lastSentAt ?? null, repeatDueAt: group?.repeatDueAt ?? null });
  }

  /** Queues what is due at `now`; returns how many messages were queued. */
  tick(now: number): number {
    return this.log.transaction(() => {
      const routes = routesByKey(this.tree());
      let queued = 0;
      for (const group of this.state.groupsDue(now)) {
        const route = routes.get(group.route);
        if (route === undefined) {
          // The tree changed under it: the route is gone, and so are its plans.
          this.logger.warn({ msg: 'Notification group of a removed route dropped', route: group.route, group: group.groupKey });
          this.state.saveGroup({ ...group, dueAt: null, repeatDueAt: null });
          this.state.takePending(group.route, group.groupKey);
          continue;
        }
        queued += this.flushGroup(route, group, now);
      }
      queued += this.escalate(routes, now);
      return queued;
    });
  }

  private flushGroup(route: ResolvedRoute, group: GroupRow, now: number): number {
    const release = releaseTime(route.quietHours, group.severity, now);
    if (release > now) {
      // Quiet hours: held, and sent when the window ends.
      this.state.saveGroup({ ...group, dueAt: group.dueAt === null ? null : release, repeatDueAt: group.repeatDueAt === null ? null : release });
      return 0;
    }
    let queued = 0;
    let { lastSentAt, repeatDueAt } = group;
    if (group.dueAt !== null && group.dueAt <= now) {
      const changes = this.state.takePending(group.route, group.groupKey);
      if (changes.length > 0) {
        const reason: SendReason = changes.some((change) => change.reason === 'new') ? 'new' : 'resolved';
        queued += this.queue(route, route.contactPoints, 0, reason, changes.map((change) => change.payload), now);
        lastSentAt = now;
        repeatDueAt = route.repeatIntervalMs > 0 ? now + route.repeatIntervalMs : null;
      }
    } else if (repeatDueAt !== null && repeatDueAt <= now) {
      const open = this.state.openAlertsOf(group.route, group.groupKey);
      if (open.length > 0) queued += this.queue(route, route.contactPoints, 0, 'repeat', open.map((alert) => alert.payload), now);
      repeatDueAt = open.length > 0 && route.repeatIntervalMs > 0 ? now + route.repeatIntervalMs : null;
    }
    this.state.saveGroup({ ...group, dueAt: group.dueAt !== null && group.dueAt > now ? group.dueAt : null, lastSentAt, repeatDueAt });
    return queued;
  }

  /** Open alerts whose next level is due: one message per route, group and level, listing them. */
  private escalate(routes: Map<string, ResolvedRoute>, now: number): number {
    const batches = new Map<string, { route: ResolvedRoute; level: number; alerts: OpenAlertRow[] }>();
    for (const open of this.state.escalationsDue(now)) {
      const route = routes.get(open.route);
      const level = open.level + 1;
      const next = route?.escalation[level];
      if (route === undefined || route.escalation[level - 1] === undefined) {
        this.state.saveOpenAlert({ ...open, nextLevelAt: null });
        continue;
      }
      if (releaseTime(route.quietHours, open.severity, now) > now) continue;
      this.state.saveOpenAlert({ ...open, level, nextLevelAt: next === undefined ? null : open.firedAt + next.afterMs });
      const key = `${open.route}\n${open.groupKey}\n${level}`;
      const batch = batches.get(key) ?? { route, level, alerts: [] };
      batch.alerts.push(open);
      batches.set(key, batch);
    }
    let queued = 0;
    for (const { route, level, alerts } of batches.values()) {
      queued += this.queue(route, route.escalation[level - 1].contactPoints, level, 'escalation', alerts.map((alert) => alert.payload), now);
    }
    return queued;
  }

  /**
   * One message per contact point; at level 0 (not escalations, which name their own people) also one per operator
   * subscribed to the route or a route above it, holding only the alerts in that operator's scope.
   */
  private queue(route: ResolvedRoute, contactPoints: readonly string[], level: number, reason: SendReason, payloads: string[], now: number): number {
    const alerts = `[${payloads.join(',')}]`;
    const queueOne = (contactPoint: string, carried: string, summary: ReturnType<typeof deliveredAlerts>): void => {
      const messageId = this.state.queue({ route: route.key, contactPoint, level, reason, alerts: carried, nextAttemptAt: now }, now);
      this.log.record({ at: now, messageId, route: route.key, contactPoint, level, reason, outcome: 'queued', attempt: 0, alerts: summary, providerAnswer: '' });
    };
    const notifications = JSON.parse(alerts) as AlertNotification[];
    const summary = deliveredAlerts(notifications);
    for (const contactPoint of contactPoints) queueOne(contactPoint, alerts, summary);
    let queued = contactPoints.length;
    if (level > 0 || route.names.length === 0) return queued;
    for (const recipient of this.subscribers(route.names)) {
      const theirs = notifications.map((notification, index) => ({ notification, payload: payloads[index] })).filter(({ notification }) => recipient.covers(notification.alert));
      if (theirs.length === 0) continue;
      queueOne(recipient.destination, `[${theirs.map(({ payload }) => payload).join(',')}]`, deliveredAlerts(theirs.map(({ notification }) => notification)));
      queued++;
    }
    return queued;
  }
}
