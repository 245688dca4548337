import { type Principal, type AuditTrail, assertInScope } from '@hub/access';
import { DomainIssue, InvalidInputError, JsonInputReader } from '@hub/common';
import { notificationPayload } from '../notifications/alert-notification.payload';
import type { AlertFilter, AlertRepository } from '../store/alert.repository';
import { Alert, AlertEvent, AlertEventDraft } from './alert';
import { acknowledge, AlertNotFoundError, comment, resolveByOperator } from './alert-operator-actions';

/** Who is asking: the logged-in operator or API key (its name is the actor in the history and the audit log). */
export type AlertActor = Pick<Principal, 'name' | 'scope'>;

/** The body's `by` from before the API had sign-in: refused, so no client believes it still names the actor. */
const BY_REFUSED = 'is not accepted: the hub records the logged-in operator (or the API key) as the actor';

/**
 * The operator's side of alerts: list and filter, acknowledge, resolve, comment, history. Each action is one
 * synchronous transaction (read, transition, store, audit), so it cannot interleave with an evaluation's store step.
 * An alert outside the actor's towns or domains is 403, whether to read or to act on.
 */
export class AlertWorkflowService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly alertsChanged: () => void,
    private readonly audit: AuditTrail,
    private readonly clock: () => number = Date.now,
  ) {}

  /** `filter.within` limits the list to the asker's scope. */
  list(filter: AlertFilter): { items: Alert[]; matching: number } {
    return this.alerts.list(filter);
  }

  /** One alert; with `actor`, only if inside their scope (the live feed and the hub itself read without one). */
  get(id: number, actor?: AlertActor): Alert {
    const alert = this.alerts.get(id);
    if (alert === undefined) throw new AlertNotFoundError(`alert ${id}`);
    if (actor !== undefined) assertInScope(actor, alert, `Alert ${id} (${alert.domain}${alert.town === null ? '' : `, ${alert.town}`})`);
    return alert;
  }

  history(id: number, actor?: AlertActor): AlertEvent[] {
    this.get(id, actor);
    return this.alerts.history(id);
  }

  acknowledge(id: number, body: unknown, actor: AlertActor): Alert {
    const note = readOperatorInput(body, 'note', false);
    return this.act(id, actor, 'alert.acknowledge', note, (alert, now) => acknowledge(alert, actor.name, note, now));
  }

  resolve(id: number, body: unknown, actor: AlertActor): Alert {
    const note = readOperatorInput(body, 'note', false);
    return this.act(id, actor, 'alert.resolve', note, (alert, now) => resolveByOperator(alert, actor.name, note, now));
  }

  comment(id: number, body: unknown, actor: AlertActor): AlertEvent {
    const text = readOperatorInput(body, 'text', true);
    this.act(id, actor, 'alert.comment', text, (alert, now) => comment(alert, actor.name, text ?? '', now));
    const events = this.alerts.history(id);
    return events[events.length - 1];
  }

  private act(id: number, actor: AlertActor, action: string, note: string | null, transition: (alert: Alert, now: number) => AlertEventDraft): Alert {
    const alert = this.get(id, actor);
    const event = transition(alert, this.clock());
    this.alerts.transaction(() => {
      this.alerts.save(event.kind === 'commented' ? [] : [alert], [event], notificationPayload);
      this.audit.record({
        at: event.at,
        actor: actor.name,
        action,
        targetType: 'alert',
        targetId: String(id),
        detail: { ruleId: alert.ruleId, deviceId: alert.deviceId, domain: alert.domain, town: alert.town, ...(note === null ? {} : { note }) },
      });
    });
    if (event.notify) this.alertsChanged();
    return alert;
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
