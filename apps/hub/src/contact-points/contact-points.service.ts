import { AccessDeniedError, describeScope, isCountyWide, type Principal } from '@hub/access';
import {
  applyContactPointChange, type ContactPoint, ContactPointExistsError, ContactPointNotFoundError, type ContactPointSender, type ContactPointView, type DeliveryResult,
  parseNewContactPoint, publicSettings, sampleAlertChange, secretsSet, type StoredContactPoint, toContactPointView,
} from '@hub/notify';
import type { AuditLogRepository, Store, Tx } from '@hub/store';
import type { ContactPointDirectory } from './contact-point.directory';
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
    private readonly store: Store,
    private readonly repository: ContactPointRepository,
    /** The in-memory copy the notification policies read; changed here once a change has committed. */
    private readonly directory: ContactPointDirectory,
    private readonly deliveryLog: ContactPointDeliveryRepository,
    private readonly audit: AuditLogRepository,
    private readonly sender: ContactPointSender,
    private readonly logger: ContactPointsLogger,
    private readonly now: () => number = Date.now,
  ) {}

  async list(by: ContactPointsActor): Promise<ContactPointView[]> {
    assertCountyWide(by, 'see the contact points');
    return (await this.repository.list()).map(toContactPointView);
  }

  async get(name: string, by: ContactPointsActor): Promise<ContactPointView> {
    assertCountyWide(by, 'see the contact points');
    return toContactPointView(await this.find(name));
  }

  async create(body: unknown, by: ContactPointsActor): Promise<ContactPointView> {
    assertCountyWide(by, 'add a contact point');
    const point = parseNewContactPoint(body);
    const now = this.now();
    const stored: StoredContactPoint = { point, createdAt: now, createdBy: by.name, updatedAt: now, updatedBy: by.name };
    await this.store.tx(async (tx) => {
      if (!(await this.repository.insert(stored, tx.exec))) throw new ContactPointExistsError(point.name);
      await this.audit.record({ at: now, actor: by.name, action: 'contact-point.create', targetType: TARGET_TYPE, targetId: point.name, detail: audited(point) }, tx.exec);
      tx.afterCommit(() => this.directory.remember(stored));
    });
    return toContactPointView(stored);
  }

  async update(name: string, body: unknown, by: ContactPointsActor): Promise<ContactPointView> {
    assertCountyWide(by, 'change a contact point');
    const stored = await this.store.tx(async (tx) => {
      // A change applies to the contact point as it is now (a secret left out keeps its value): two at once must not
      // each start from the same old one.
      await tx.lock(lockOf(name));
      const current = await this.find(name, tx);
      const point = applyContactPointChange(body, current.point);
      const now = this.now();
      const changed: StoredContactPoint = { ...current, point, updatedAt: now, updatedBy: by.name };
      await this.repository.update(changed, tx.exec);
      await this.audit.record(
        {
          at: now,
          actor: by.name,
          action: 'contact-point.update',
          targetType: TARGET_TYPE,
          targetId: name,
          detail: { before: audited(current.point), after: audited(point), secretsChanged: changedSecrets(current.point, point) },
        },
        tx.exec,
      );
      tx.afterCommit(() => this.directory.remember(changed));
      return changed;
    });
    return toContactPointView(stored);
  }

  async remove(name: string, by: ContactPointsActor): Promise<void> {
    assertCountyWide(by, 'delete a contact point');
    await this.store.tx(async (tx) => {
      await tx.lock(lockOf(name));
      const current = await this.find(name, tx);
      await this.repository.delete(name, tx.exec);
      await this.deliveryLog.removeAll(name, tx.exec);
      await this.audit.record({ at: this.now(), actor: by.name, action: 'contact-point.delete', targetType: TARGET_TYPE, targetId: name, detail: audited(current.point) }, tx.exec);
      tx.afterCommit(() => this.directory.forget(name));
    });
  }

  /** Sends a sample alert, marked as a test, and logs the attempt like any other. */
  async test(name: string, by: ContactPointsActor): Promise<DeliveryResult> {
    assertCountyWide(by, 'test a contact point');
    const { point } = await this.find(name);
    const at = this.now();
    // Sent outside any transaction: a provider's answer can take the whole timeout.
    const result = await this.sender.send(point, sampleAlertChange(at), { test: true });
    await this.store.tx(async (tx) => {
      await this.deliveryLog.record(name, null, at, result, tx.exec);
      await this.audit.record({ at, actor: by.name, action: 'contact-point.test', targetType: TARGET_TYPE, targetId: name, detail: { ok: result.ok, status: result.status ?? null, retryable: result.retryable } }, tx.exec);
    });
    this.logger.log({ msg: 'Contact point test message sent', contactPoint: name, kind: point.kind, ok: result.ok, status: result.status ?? null, retryable: result.retryable, by: by.name });
    return result;
  }

  async deliveries(name: string, by: ContactPointsActor, limit: number): Promise<ContactPointDelivery[]> {
    assertCountyWide(by, 'see contact point deliveries');
    await this.find(name);
    return this.deliveryLog.list(name, limit);
  }

  private async find(name: string, tx?: Tx): Promise<StoredContactPoint> {
    const stored = await this.repository.find(name, tx?.exec);
    if (stored === undefined) throw new ContactPointNotFoundError(name);
    return stored;
  }
}

function lockOf(name: string): string {
  return `contact-point:${name}`;
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
