import { AccessDeniedError, describeScope, isCountyWide, type Principal } from '@hub/access';
import {
  applyContactPointChange, type ContactPoint, ContactPointExistsError, ContactPointNotFoundError, type ContactPointSender, type ContactPointView, type DeliveryResult,
  parseNewContactPoint, publicSettings, sampleAlertChange, secretsSet, type StoredContactPoint, toContactPointView,
} from '@hub/notify';
import type { AuditLogRepository } from '@hub/store';
import type { ContactPointDelivery, ContactPointDeliveryRepository } from './contact-point-delivery.repository';
import type { ContactPointRepository } from './contact-point.repository';

const TARGET_TYPE = 'contact-point';

/** Who manages contact points: recorded by name; only an admin of the whole county. */
export type ContactPointsActor = Pick<Principal, 'name' | 'scope'>;

/** What the service logs: structured fields only, never a setting (URLs carry tokens). */
export interface ContactPointsLogger {
  log(message: Record<string, unknown>): void;
}

/**
 * Contact points: stored, audited, testable. Secrets (passwords, robot URLs and signing secrets) are write-only:
 * views say which are set, audit entries say which changed, and logs name only the contact point and its kind.
 * Until routing (issue 16, point 2) a contact point reaches people across towns, so only a county-wide admin
 * manages them.
 */
export class ContactPointsService {
  constructor(
    private readonly repository: ContactPointRepository,
    private readonly deliveryLog: ContactPointDeliveryRepository,
    private readonly audit: AuditLogRepository,
    private readonly sender: ContactPointSender,
    private readonly logger: ContactPointsLogger,
    private readonly now: () => number = Date.now,
  ) {}

  list(by: ContactPointsActor): ContactPointView[] {
    assertCountyWide(by, 'see the contact points');
    return this.repository.list().map(toContactPointView);
  }

  get(name: string, by: ContactPointsActor): ContactPointView {
    assertCountyWide(by, 'see the contact points');
    return toContactPointView(this.find(name));
  }

  create(body: unknown, by: ContactPointsActor): ContactPointView {
    assertCountyWide(by, 'add a contact point');
    const point = parseNewContactPoint(body);
    const now = this.now();
    const stored: StoredContactPoint = { point, createdAt: now, createdBy: by.name, updatedAt: now, updatedBy: by.name };
    if (!this.repository.insert(stored)) throw new ContactPointExistsError(point.name);
    this.audit.record({ at: now, actor: by.name, action: 'contact-point.create', targetType: TARGET_TYPE, targetId: point.name, detail: audited(point) });
    return toContactPointView(stored);
  }

  update(name: string, body: unknown, by: ContactPointsActor): ContactPointView {
    assertCountyWide(by, 'change a contact point');
    const current = this.find(name);
    const point = applyContactPointChange(body, current.point);
    const now = this.now();
    const stored: StoredContactPoint = { ...current, point, updatedAt: now, updatedBy: by.name };
    this.repository.update(stored);
    this.audit.record({
      at: now,
      actor: by.name,
      action: 'contact-point.update',
      targetType: TARGET_TYPE,
      targetId: name,
      detail: { before: audited(current.point), after: audited(point), secretsChanged: changedSecrets(current.point, point) },
    });
    return toContactPointView(stored);
  }

  remove(name: string, by: ContactPointsActor): void {
    assertCountyWide(by, 'delete a contact point');
    const current = this.find(name);
    this.repository.delete(name);
    this.deliveryLog.removeAll(name);
    this.audit.record({ at: this.now(), actor: by.name, action: 'contact-point.delete', targetType: TARGET_TYPE, targetId: name, detail: audited(current.point) });
  }

  /** Sends a sample alert, marked as a test, and logs the attempt like any other. */
  async test(name: string, by: ContactPointsActor): Promise<DeliveryResult> {
    assertCountyWide(by, 'test a contact point');
    const { point } = this.find(name);
    const at = this.now();
    const result = await this.sender.send(point, sampleAlertChange(at), { test: true });
    this.deliveryLog.record(name, null, at, result);
    this.audit.record({ at, actor: by.name, action: 'contact-point.test', targetType: TARGET_TYPE, targetId: name, detail: { ok: result.ok, status: result.status ?? null, retryable: result.retryable } });
    this.logger.log({ msg: 'Contact point test message sent', contactPoint: name, kind: point.kind, ok: result.ok, status: result.status ?? null, retryable: result.retryable, by: by.name });
    return result;
  }

  deliveries(name: string, by: ContactPointsActor, limit: number): ContactPointDelivery[] {
    assertCountyWide(by, 'see contact point deliveries');
    this.find(name);
    return this.deliveryLog.list(name, limit);
  }

  private find(name: string): StoredContactPoint {
    const stored = this.repository.find(name);
    if (stored === undefined) throw new ContactPointNotFoundError(name);
    return stored;
  }
}

function audited(point: ContactPoint): Record<string, unknown> {
  return { kind: point.kind, language: point.language, settings: publicSettings(point), secrets: secretsSet(point) };
}

function changedSecrets(before: ContactPoint, after: ContactPoint): string[] {
  const old = before.settings as unknown as Record<string, unknown>;
  const next = after.settings as unknown as Record<string, unknown>;
  return Object.keys(secretsSet(after)).filter((key) => old[key] !== next[key]);
}

function assertCountyWide(by: ContactPointsActor, what: string): void {
  if (!isCountyWide(by.scope)) {
    throw new AccessDeniedError(`Only an admin of the whole county may ${what}: contact points reach people in every town (${by.name} has ${describeScope(by.scope)})`);
  }
}
