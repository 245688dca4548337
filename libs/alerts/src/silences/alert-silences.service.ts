import type { HubLogger } from '../../../common/src/hub-logger';
import { AlertNotFoundError } from '../lifecycle/alert-operator-actions';
import type { AlertSilenceRepository } from '../store/alert-silence.repository';
import { AlertSilence } from './alert-silence';
import { parseSilenceInput, parseSilenceUpdate } from './alert-silence.validator';

/** Silences (maintenance windows): create, list, extend or shorten, delete. Evaluations read them on every tick. */
export class AlertSilencesService {
  constructor(
    private readonly silences: AlertSilenceRepository,
    private readonly logger: HubLogger,
    private readonly clock: () => number = Date.now,
  ) {}

  list(filter: { active?: boolean; includeExpired?: boolean; limit: number }): AlertSilence[] {
    const now = this.clock();
    if (filter.active) return this.silences.list({ activeAt: now, limit: filter.limit });
    return this.silences.list({ ...(filter.includeExpired ? {} : { endingAfter: now }), limit: filter.limit });
  }

  get(id: number): AlertSilence {
    const silence = this.silences.get(id);
    if (silence === undefined) throw new AlertNotFoundError(`silence ${id}`);
    return silence;
  }

  create(body: unknown): AlertSilence {
    const silence = this.silences.insert(parseSilenceInput(body, this.clock()));
    this.logger.log({ msg: 'Silence created', silenceId: silence.id, deviceId: silence.deviceId, town: silence.town, domain: silence.domain, endsAt: silence.endsAt });
    return silence;
  }

  update(id: number, body: unknown): AlertSilence {
    const current = this.get(id);
    this.silences.update(id, parseSilenceUpdate(body, current.startsAt, this.clock()));
    return this.get(id);
  }

  delete(id: number): void {
    if (!this.silences.delete(id)) throw new AlertNotFoundError(`silence ${id}`);
    this.logger.log({ msg: 'Silence deleted', silenceId: id });
  }
}
