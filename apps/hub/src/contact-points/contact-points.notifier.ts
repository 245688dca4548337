import { Injectable, Logger } from '@nestjs/common';
import {
  type AlertNotification, type ContactPointAnswer, type ContactPointPort, DEFAULT_POLICY_TREE, type NotificationPolicyTree, parsePersonalDestination, type PersonalRecipient,
  type SendReason,
} from '@hub/alerts';
import { type AlertChange, type ContactPoint, ContactPointSender } from '@hub/notify';
import { Store } from '@hub/store';
import { ContactPointDeliveryRepository } from './contact-point-delivery.repository';
import { ContactPointDirectory } from './contact-point.directory';
import { PersonalNotificationsService } from './personal-notifications.service';

/**
 * The notification policies' way out: one message (a group's alert changes) to a stored contact point through its
 * kind's sender, each attempt written to the contact point's delivery log once per alert it carried. A contact point
 * deleted since the tree named it answers "not retryable", so the engine records it and moves on. A personal
 * destination (`@li.wei/email`) goes through the contact point the policies name for that channel, to the operator
 * alone, with only the alerts their scope covers now; it is logged in the policies' delivery log under that name.
 * Contact points are read from the in-memory directory: the policies ask their kind synchronously.
 */
@Injectable()
export class ContactPointsNotifier implements ContactPointPort {
  private readonly logger = new Logger(ContactPointsNotifier.name);

  constructor(
    private readonly store: Store,
    private readonly directory: ContactPointDirectory,
    private readonly deliveries: ContactPointDeliveryRepository,
    private readonly sender: ContactPointSender,
    private readonly personal: PersonalNotificationsService,
  ) {}

  /** The tree in force, for the personal channels' contact points: bound by the alert engine once it is built. */
  private tree: () => NotificationPolicyTree = () => DEFAULT_POLICY_TREE;

  usePolicyTree(tree: () => NotificationPolicyTree): void {
    this.tree = tree;
  }

  /** A rule's summary in Chinese, for zh contact points: bound by the alert engine once it is built. */
  private summaryInChinese: (ruleId: string) => string | undefined = () => undefined;

  useChineseSummaries(summary: (ruleId: string) => string | undefined): void {
    this.summaryInChinese = summary;
  }

  kindOf(name: string): string | undefined {
    return this.directory.find(name)?.point.kind;
  }

  personalRecipients(routeNames: readonly string[]): readonly PersonalRecipient[] {
    return this.personal.recipientsOf(routeNames);
  }

  async send(destination: string, alerts: readonly AlertNotification[], context: { route: string; level: number; reason: SendReason }): Promise<ContactPointAnswer> {
    const personal = parsePersonalDestination(destination);
    let point: ContactPoint;
    let carried = alerts;
    if (personal === undefined) {
      const stored = this.directory.find(destination);
      if (stored === undefined) return { ok: false, retryable: false, providerAnswer: `no contact point ${JSON.stringify(destination)} (deleted since the policy named it?)` };
      point = stored.point;
    } else {
      const target = this.personal.target(personal.username, personal.channel, this.tree(), (name) => this.directory.find(name)?.point);
      if (!target.ok) return { ok: false, retryable: false, providerAnswer: target.why };
      carried = alerts.filter((notification) => target.covers(notification.alert));
      if (carried.length === 0) return { ok: false, retryable: false, providerAnswer: `none of its ${alerts.length} alert(s) is in ${personal.username}'s scope any more` };
      point = target.point;
    }
    const result = await this.sender.sendGroup(point, this.withSummaries(point, carried));
    const at = Date.now();
    if (personal === undefined) {
      await this.store.tx(async (tx) => {
        for (const notification of carried) await this.deliveries.record(destination, notification.alert.id, at, result, tx.exec);
      });
    }
    // Names and kind only: a contact point's settings carry its secrets, and an operator's address is theirs.
    this.logger.log({ msg: 'Alert notification sent', destination, kind: point.kind, via: point.name, ...context, alerts: carried.length, ok: result.ok, retryable: result.retryable });
    return { ok: result.ok, retryable: result.retryable, providerAnswer: result.providerAnswer };
  }

  /** For a contact point that reads Chinese, each alert's summary in Chinese, made from its rule as it stands. */
  private withSummaries(point: ContactPoint, alerts: readonly AlertNotification[]): AlertChange[] {
    if (this.sender.languageOf(point) !== 'zh') return [...alerts];
    return alerts.map((notification) => {
      const zh = this.summaryInChinese(notification.alert.ruleId);
      return zh === undefined ? notification : { ...notification, summaries: { zh } };
    });
  }
}
