import { type Principal, assertInScope } from '@hub/access';
import { DomainIssue, InvalidInputError, JsonInputReader } from '@hub/common';
import { notificationPayload } from '../notifications/alert-notification.payload';
import type { Executor, Store } from '@hub/store';
import type { AlertAudit } from '../alert-audit';
import { type AlertFilter, type AlertRepository, alertRuleLock } from '../store/alert.repository';
import { Alert, AlertEvent, AlertEventDraft } from './alert';
import { acknowledge, AlertNotFoundError, comment, resolveByOperator } from './alert-operator-actions';

/** Who is asking: the logged-in operator or API key (its name is the actor in the history and the audit log). */
export type AlertActor = Pick<Principal, 'name' | 'scope'>;

/** The body's `by` from before the API had sign-in: refused, so no client believes it still names the actor. */
const BY_REFUSED = 'is not accepted: the hub records the logged-in operator (or the API key) as the actor';

/**
 * The operator's side of alerts: list and filter, acknowledge, resolve, comment, history. Each action is one
 * transaction that reads the alert after taking its rule's lock (alertRuleLock), as evaluations do before they store:
 * an acknowledgement and an evaluation of the same alert therefore happen one after the other, and neither overwrites
 * what the other stored. An alert outside the actor's towns or domains is 403, whether to read or to act on.
 */
export class AlertWorkflowService {
  constructor(
    private readonly store: Store,
    private readonly alerts: AlertRepository,
    private readonly alertsChanged: () => void,
    private readonly audit: AlertAudit,
    private readonly clock: () => number = Date.now,
  ) {}

  /** `filter.within` limits the list to the asker's scope. */
  async list(filter: AlertFilter): Promise<{ items: Alert[]; matching: number }> {
    return this.alerts.list(filter);
  }

  /** One alert; with `actor`, only if inside their scope (the live feed and the hub itself read without one). */
  async get(id: number, actor?: AlertActor, exec: Executor = this.store.db): Promise<Alert> {
    const alert = await this.alerts.get(id, exec);
    if (alert === undefined) throw new AlertNotFoundError(`alert ${id}`);
    if (actor !== undefined) assertInScope(actor, alert, `Alert ${id} (${alert.domain}${alert.town === null ? '' : `, ${alert.town}`})`);
    return alert;
  }

  async history(id: number, actor?: AlertActor): Promise<AlertEvent[]> {
    await this.get(id, actor);
    return this.alerts.history(id);
  }

  async acknowledge(id: number, body: unknown, actor: AlertActor): Promise<Alert> {
    const note = readOperatorInput(body, 'note', false);
    return (await this.act(id, actor, 'alert.acknowledge', note, (alert, now) => acknowledge(alert, actor.name, note, now))).alert;
  }

  async resolve(id: number, body: unknown, actor: AlertActor): Promise<Alert> {
    const note = readOperatorInput(body, 'note', false);
    return (await this.act(id, actor, 'alert.resolve', note, (alert, now) => resolveByOperator(alert, actor.name, note, now))).alert;
  }

  async comment(id: number, body: unknown, actor: AlertActor): Promise<AlertEvent> {
    const text = readOperatorInput(body, 'text', true);
    return (await this.act(id, actor, 'alert.comment', text, (alert, now) => comment(alert, actor.name, text ?? '', now))).event;
  }

  private async act(
    id: number,
    actor: AlertActor,
    action: string,
    note: string | null,
    transition: (alert: Alert, now: number) => AlertEventDraft,
  ): Promise<{ alert: Alert; event: AlertEvent }> {
    const done = await this.store.tx(async (tx) => {
      // An alert's rule never changes: the first read names the lock, the second (under it) is what is acted on.
      const { ruleId } = await this.get(id, actor, tx.exec);
      await tx.lock(alertRuleLock(ruleId));
      const alert = await this.get(id, actor, tx.exec);
      const draft = transition(alert, this.clock());
      await this.alerts.save(draft.kind === 'commented' ? [] : [alert], [draft], notificationPayload, tx);
      await this.audit.record(
        {
          at: draft.at,
          actor: actor.name,
          action,
          targetType: 'alert',
          targetId: String(id),
          detail: { ruleId: alert.ruleId, deviceId: alert.deviceId, domain: alert.domain, town: alert.town, ...(note === null ? {} : { note }) },
        },
        tx.exec,
      );
      // Under the history lock still: the alert's newest entry is the one just stored.
      const event = (await this.alerts.history(id, tx.exec)).at(-1) as AlertEvent;
      return { alert, event, notify: draft.notify };
    });
    if (done.notify) this.alertsChanged();
    return done;
  }
}

/** The note (acknowledge, resolve; optional) or text (comment; required). No body at all is an empty one. */
function readOperatorInput(body: unknown, textKey: 'note' | 'text', textRequired: boolean): string | null {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body ?? {}, '', issues, ['by', textKey]);
  if (read === undefined) throw new InvalidInputError('request', issues);
  if (read.has('by')) read.fail('by', BY_REFUSED);
  const text = textRequired ? read.requiredString(textKey, { maxLength: 4000 }) : read.string(textKey, { maxLength: 4000 });
  if (issues.length > 0) throw new InvalidInputError('request', issues);
  return text ?? null;
}
