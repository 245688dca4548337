import type { CatalogueSource } from '@hub/contract';
import { type Principal, AccessDeniedError, assertInScope } from '@hub/access';
import { anyAreaCovers, type HubLogger } from '@hub/common';
import { AlertNotFoundError } from '../lifecycle/alert-operator-actions';
import type { Executor, Store } from '@hub/store';
import type { AlertAudit } from '../alert-audit';
import type { AlertSilenceRepository } from '../store/alert-silence.repository';
import { AlertSilence } from './alert-silence';
import { parseSilenceInput, parseSilenceUpdate } from './alert-silence.validator';

/** Who is asking (the logged-in operator or API key). */
export type SilenceActor = Pick<Principal, 'name' | 'scope'>;

/**
 * Silences (maintenance windows): create, list, extend or shorten, delete. Evaluations read them on every tick.
 * A scoped operator sees and manages only silences inside their scope: one that names one of their towns (when they
 * have towns) and one of their domains (when they have domains). A silence that names no town covers every town, so
 * a town office cannot make one — nor see the county's, which are not theirs to change.
 */
export class AlertSilencesService {
  constructor(
    private readonly store: Store,
    private readonly silences: AlertSilenceRepository,
    private readonly audit: AlertAudit,
    private readonly catalogue: CatalogueSource,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  async list(filter: { active?: boolean; includeExpired?: boolean; limit: number }, actor: SilenceActor): Promise<AlertSilence[]> {
    const now = this.clock();
    const within = actor.scope;
    if (filter.active) return this.silences.list({ activeAt: now, limit: filter.limit, within });
    return this.silences.list({ ...(filter.includeExpired ? {} : { endingAfter: now }), limit: filter.limit, within });
  }

  async get(id: number, actor: SilenceActor, exec: Executor = this.store.db): Promise<AlertSilence> {
    const silence = await this.silences.get(id, exec);
    if (silence === undefined) throw new AlertNotFoundError(`silence ${id}`);
    assertInScope(actor, silence, `Silence ${id}`);
    return silence;
  }

  async create(body: unknown, actor: SilenceActor): Promise<AlertSilence> {
    const input = parseSilenceInput(body, this.clock(), actor.name, this.catalogue.current());
    const { towns, domains } = actor.scope;
    if (towns.length > 0 && (input.town === null || !anyAreaCovers(towns, input.town))) {
      throw new AccessDeniedError(`A silence by ${actor.name} must name one of their towns (${towns.join(', ')}) in "town": without one it would cover every town`);
    }
    if (domains.length > 0 && (input.domain === null || !(domains as readonly string[]).includes(input.domain))) {
      throw new AccessDeniedError(`A silence by ${actor.name} must name one of their domains (${domains.join(', ')}) in "domain": without one it would cover every domain`);
    }
    const silence = await this.store.tx(async (tx) => {
      const created = await this.silences.insert(input, tx.exec);
      await this.audit.record(
        { at: created.createdAt, actor: actor.name, action: 'silence.create', targetType: 'silence', targetId: String(created.id), detail: describe(created) },
        tx.exec,
      );
      return created;
    });
    this.logger.log({ msg: 'Silence created', silenceId: silence.id, deviceId: silence.deviceId, town: silence.town, domain: silence.domain, endsAt: silence.endsAt, by: actor.name });
    return silence;
  }

  async update(id: number, body: unknown, actor: SilenceActor): Promise<AlertSilence> {
    return this.store.tx(async (tx) => {
      // Read inside the transaction, after the silence's lock: the audited "from" is what this change replaced.
      await tx.lock(`alert-silence:${id}`);
      const current = await this.get(id, actor, tx.exec);
      const change = parseSilenceUpdate(body, current.startsAt, this.clock());
      await this.silences.update(id, change, tx.exec);
      const detail: Record<string, unknown> = {};
      if (change.endsAt !== undefined) detail.endsAt = { from: new Date(current.endsAt).toISOString(), to: new Date(change.endsAt).toISOString() };
      if (change.reason !== undefined) detail.reason = { from: current.reason, to: change.reason };
      await this.audit.record({ actor: actor.name, action: 'silence.update', targetType: 'silence', targetId: String(id), detail }, tx.exec);
      return this.get(id, actor, tx.exec);
    });
  }

  async delete(id: number, actor: SilenceActor): Promise<void> {
    await this.store.tx(async (tx) => {
      const current = await this.get(id, actor, tx.exec);
      if (!(await this.silences.delete(id, tx.exec))) throw new AlertNotFoundError(`silence ${id}`);
      await this.audit.record({ actor: actor.name, action: 'silence.delete', targetType: 'silence', targetId: String(id), detail: describe(current) }, tx.exec);
    });
    this.logger.log({ msg: 'Silence deleted', silenceId: id, by: actor.name });
  }
}

function describe(silence: AlertSilence): Record<string, unknown> {
  return {
    domain: silence.domain,
    town: silence.town,
    deviceId: silence.deviceId,
    ruleId: silence.ruleId,
    startsAt: new Date(silence.startsAt).toISOString(),
    endsAt: new Date(silence.endsAt).toISOString(),
    reason: silence.reason,
  };
}
