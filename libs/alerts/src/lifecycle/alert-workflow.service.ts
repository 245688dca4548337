import { DomainIssue } from '../../../common/src/domain-error';
import { InvalidInputError, JsonInputReader } from '../json-input.reader';
import { notificationPayload } from '../notifications/alert-notification.payload';
import type { AlertFilter, AlertRepository } from '../store/alert.repository';
import { Alert, AlertEvent, AlertEventDraft } from './alert';
import { acknowledge, AlertNotFoundError, comment, resolveByOperator } from './alert-operator-actions';

/** An operator's request: who (until the API has authentication, the client says so) and an optional note. */
interface OperatorInput {
  readonly by: string;
  readonly text: string | null;
}

/**
 * The operator's side of alerts: list and filter, acknowledge, resolve, comment, history. Each action is one
 * synchronous transaction (read, transition, store), so it cannot interleave with an evaluation's store step.
 */
export class AlertWorkflowService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly alertsChanged: () => void,
    private readonly clock: () => number = Date.now,
  ) {}

  list(filter: AlertFilter): { items: Alert[]; matching: number } {
    return this.alerts.list(filter);
  }

  get(id: number): Alert {
    const alert = this.alerts.get(id);
    if (alert === undefined) throw new AlertNotFoundError(`alert ${id}`);
    return alert;
  }

  history(id: number): AlertEvent[] {
    this.get(id);
    return this.alerts.history(id);
  }

  acknowledge(id: number, body: unknown): Alert {
    const input = readOperatorInput(body, 'note', false);
    return this.act(id, (alert, now) => acknowledge(alert, input.by, input.text, now));
  }

  resolve(id: number, body: unknown): Alert {
    const input = readOperatorInput(body, 'note', false);
    return this.act(id, (alert, now) => resolveByOperator(alert, input.by, input.text, now));
  }

  comment(id: number, body: unknown): AlertEvent {
    const input = readOperatorInput(body, 'text', true);
    this.act(id, (alert, now) => comment(alert, input.by, input.text ?? '', now));
    const events = this.alerts.history(id);
    return events[events.length - 1];
  }

  private act(id: number, transition: (alert: Alert, now: number) => AlertEventDraft): Alert {
    const alert = this.get(id);
    const event = transition(alert, this.clock());
    this.alerts.save(event.kind === 'commented' ? [] : [alert], [event], notificationPayload);
    if (event.notify) this.alertsChanged();
    return alert;
  }
}

function readOperatorInput(body: unknown, textKey: 'note' | 'text', textRequired: boolean): OperatorInput {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, ['by', textKey]);
  if (read === undefined) throw new InvalidInputError('request', issues);
  const by = read.requiredString('by', { maxLength: 100 });
  const text = textRequired ? read.requiredString(textKey, { maxLength: 4000 }) : read.string(textKey, { maxLength: 4000 });
  if (issues.length > 0 || by === undefined) throw new InvalidInputError('request', issues);
  return { by: by.trim(), text: text ?? null };
}
