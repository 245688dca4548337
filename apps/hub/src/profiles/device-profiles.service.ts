import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { assertCountyWide, type Principal } from '@hub/access';
import { LiveCatalogue } from '@hub/catalogue';
import { type DomainIssue, InvalidInputError, isJsonObject, JsonInputReader } from '@hub/common';
import type { HubConfig } from '@hub/config';
import type { ValidationLimits } from '@hub/contract';
import { DecoderDefinitionError, type PayloadDecoder } from '@hub/decoders';
import { DeviceRegistryService, PLACEMENT_LOCK } from '@hub/devices';
import {
  type DeviceProfile, DeviceProfileRepository, ProfileBook, ProfileConflictError, ProfileNotFoundError, type ProfilePatch, readNewProfile, readPayload,
  readProfilePatch, SAMPLE_ENCODINGS, sampleBytes, tryDecoder, type TryOutcome,
} from '@hub/profiles';
import { AuditLogRepository, Store } from '@hub/store';
import type { DeviceProfileView } from '@hub/api-types';
import { HUB_CONFIG } from '../hub.tokens';
import { profileLock, refuseWhileUsed, removeUnusedProfile } from './profile-removal';

/** Why only a county-wide admin changes it, for the 403's message. */
const SHARED = 'device profiles are shared by every town';

/**
 * Admins' device profiles: each checked by building its decoder (a JSONata expression that does not parse, a codec
 * without decodeUplink is a 400 naming the field), stored and audited, and in force for the next message of every
 * device that names it. Profiles are the county's, shared by every town: only an admin of the whole county changes
 * them. A profile in use keeps its domain and cannot be deleted.
 */
@Injectable()
export class DeviceProfilesService {
  private readonly logger = new Logger(DeviceProfilesService.name);
  private readonly limits: ValidationLimits;

  constructor(
    private readonly book: ProfileBook,
    private readonly repository: DeviceProfileRepository,
    private readonly registry: DeviceRegistryService,
    private readonly catalogue: LiveCatalogue,
    private readonly audit: AuditLogRepository,
    private readonly store: Store,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.limits = config.validation;
  }

  list(): DeviceProfileView[] {
    return this.book.list().map((profile) => this.viewOf(profile));
  }

  get(id: string): DeviceProfileView {
    return this.viewOf(this.require(id));
  }

  async create(body: unknown, by: Principal): Promise<DeviceProfileView> {
    assertCountyWide(by, 'create a device profile', SHARED);
    const input = readNewProfile(body, this.catalogue.current());
    if (this.book.get(input.id) !== undefined) throw new ProfileConflictError(`Device profile ${input.id} exists already (PATCH it to change it)`);
    checkObjectMode(input);
    const decoder = await this.build(input);
    const now = Date.now();
    const profile: DeviceProfile = { ...input, version: 1, createdAt: now, createdBy: by.name, updatedAt: now, updatedBy: by.name };
    try {
      await this.store.tx(async (tx) => {
        // Asked again where no other change interleaves: another admin may have taken the id while the decoder was building.
        await tx.lock(profileLock(profile.id));
        if ((await this.repository.find(profile.id, tx.exec)) !== undefined) throw new ProfileConflictError(`Device profile ${input.id} exists already (PATCH it to change it)`);
        await this.repository.save(profile, tx.exec);
        await this.audit.record({ at: now, actor: by.name, action: 'device-profile.create', targetType: 'device-profile', targetId: profile.id, detail: auditDetail(profile) }, tx.exec);
      });
    } catch (error) {
      decoder.dispose();
      throw error;
    }
    this.book.put(profile, decoder);
    this.logger.log({ msg: 'Device profile created', profileId: profile.id, decoder: profile.decoder.kind, by: by.name });
    return this.viewOf(profile);
  }

  async update(id: string, body: unknown, by: Principal): Promise<DeviceProfileView> {
    assertCountyWide(by, `change device profile ${id}`, SHARED);
    const patch = readProfilePatch(body, this.catalogue.current());
    const current = this.require(id);
    const domainChange = patch.domain !== undefined && patch.domain !== current.domain;
    if (domainChange) refuseWhileUsed(this.registry.usersOf(id), `change the domain of device profile ${id}`);
    checkObjectMode({ ...current, ...definedOf(patch) });
    const decoder = await this.build({ ...current, ...definedOf(patch) });
    const now = Date.now();
    let next: DeviceProfile;
    try {
      next = await this.store.tx(async (tx) => {
        // Applied over the profile as it is now (another admin may have changed it while the decoder was building).
        await tx.lock(profileLock(id));
        const latest = await this.repository.find(id, tx.exec);
        if (latest === undefined) throw new ProfileNotFoundError(id);
        if (patch.domain !== undefined && patch.domain !== latest.domain) {
          // The registry checks a device's profile domain under this lock: no device of the old domain joins meanwhile.
          await tx.lock(PLACEMENT_LOCK);
          refuseWhileUsed(await this.registry.usersStoredOf(id, tx), `change the domain of device profile ${id}`);
        }
        const changed: DeviceProfile = { ...latest, ...definedOf(patch), version: latest.version + 1, updatedAt: now, updatedBy: by.name };
        await this.repository.save(changed, tx.exec);
        await this.audit.record(
          { at: now, actor: by.name, action: 'device-profile.change', targetType: 'device-profile', targetId: id, detail: { changed: Object.keys(definedOf(patch)), ...auditDetail(changed) } },
          tx.exec,
        );
        return changed;
      });
    } catch (error) {
      decoder.dispose();
      throw error;
    }
    this.book.put(next, decoder);
    this.logger.log({ msg: 'Device profile changed', profileId: id, version: next.version, by: by.name });
    return this.viewOf(next);
  }

  async remove(id: string, by: Principal): Promise<void> {
    assertCountyWide(by, `delete device profile ${id}`, SHARED);
    this.require(id);
    await removeUnusedProfile({ store: this.store, repository: this.repository, registry: this.registry, audit: this.audit }, id, by.name, Date.now(), auditDetail);
    this.book.remove(id);
  }

  /**
   * "Try it": a payload through a profile — the saved one, or the unsaved `decoder`/`domain` of the request (the
   * editor's draft) — and the contract's validation, exactly as ingest would run them. Nothing is stored.
   */
  async tryPayload(id: string | null, body: unknown): Promise<TryOutcome> {
    const issues: DomainIssue[] = [];
    const read = JsonInputReader.of(body, '', issues, ['payload', 'encoding', 'fPort', 'domain', 'decoder']);
    if (read === undefined) throw new InvalidInputError('payload to try', issues);
    const payload = readPayload(read);
    const encoding = read.oneOf('encoding', SAMPLE_ENCODINGS) ?? 'text';
    const fPort = read.number('fPort', { min: 0, max: 255, integer: true });
    const saved = id === null ? undefined : this.require(id);
    let draft: Pick<DeviceProfile, 'domain' | 'decoder'> | undefined;
    if (read.has('decoder') || read.has('domain') || saved === undefined) {
      // The draft's decoder and domain are checked as a new profile's would be.
      const { domain, decoder } = readNewProfileDraft(read.raw('domain') ?? saved?.domain, read.raw('decoder') ?? saved?.decoder, this.catalogue, issues);
      if (domain !== undefined && decoder !== undefined) draft = { domain, decoder };
    }
    if (issues.length > 0 || payload === undefined) throw new InvalidInputError('payload to try', issues);
    const bytes = sampleBytes({ payload, encoding });
    if ('problem' in bytes) throw new InvalidInputError('payload to try', [{ field: 'payload', problem: `is not ${encoding}: ${bytes.problem}` }]);
    const profile = draft ?? (saved as DeviceProfile);
    const decoder = await this.build(profile);
    try {
      return await tryDecoder(decoder, bytes.bytes, { domain: profile.domain, deviceId: 'profile-try', ...(fPort === undefined ? {} : { fPort }), now: Date.now() }, this.limits, this.catalogue);
    } finally {
      decoder.dispose();
    }
  }

  /**
   * Builds the decoder, and checks the metrics a mapping names against the domain's catalogue in force: a typo
   * (preassure_kpa) is a 400 when the profile is saved, not a dead letter per message later.
   */
  private async build(profile: Pick<DeviceProfile, 'decoder' | 'domain'>): Promise<PayloadDecoder> {
    const known = this.catalogue.current().metricNames(profile.domain);
    const mapping = profile.decoder.kind === 'mapping' ? profile.decoder : profile.decoder.mapping;
    const prefix = profile.decoder.kind === 'mapping' ? 'decoder.metrics' : 'decoder.mapping.metrics';
    const unknown = Object.keys(isJsonObject(mapping?.metrics) ? mapping.metrics : {}).filter((metric) => !known.includes(metric));
    if (unknown.length > 0) {
      throw new InvalidInputError(
        'device profile',
        unknown.map((metric) => ({ field: `${prefix}.${metric}`, problem: `is not a metric of ${profile.domain} in the catalogue; it has ${known.join(', ')} (add one: POST /api/catalogue/domains/${profile.domain}/metrics)` })),
      );
    }
    try {
      return await this.book.build(profile);
    } catch (error) {
      if (!(error instanceof DecoderDefinitionError)) throw error;
      throw new InvalidInputError('device profile', error.issues.map((issue) => ({ field: `decoder.${issue.field}`, problem: issue.problem })));
    }
  }

  private require(id: string): DeviceProfile {
    const profile = this.book.get(id);
    if (profile === undefined) throw new ProfileNotFoundError(id);
    return profile;
  }

  private viewOf(profile: DeviceProfile): DeviceProfileView {
    return { ...profile, decoder: { ...profile.decoder }, samples: [...profile.samples], devices: this.registry.usersOf(profile.id).length, decoderStats: this.book.statsOf(profile.id) };
  }
}


/** The network server's decoded object is JSON its codec already made: a mapping reads it; a script would get no bytes. */
function checkObjectMode(profile: Pick<DeviceProfile, 'networkServerObject' | 'decoder'>): void {
  if (profile.networkServerObject && profile.decoder.kind !== 'mapping') {
    throw new InvalidInputError('device profile', [
      { field: 'networkServerObject', problem: 'needs a mapping decoder: the network server already ran the codec, so its decoded object is mapped, not decoded again' },
    ]);
  }
}

function readNewProfileDraft(domain: unknown, decoder: unknown, catalogue: LiveCatalogue, issues: DomainIssue[]): Partial<Pick<DeviceProfile, 'domain' | 'decoder'>> {
  try {
    const input = readNewProfile({ id: 'draft', name: 'draft', domain, decoder }, catalogue.current());
    return { domain: input.domain, decoder: input.decoder };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    issues.push(...error.issues);
    return {};
  }
}

/** What the audit log keeps of a profile: enough to tell versions apart (the decoder's digest), not the whole codec. */
function auditDetail(profile: DeviceProfile): Record<string, unknown> {
  const decoder = JSON.stringify(profile.decoder);
  return {
    version: profile.version,
    name: profile.name,
    domain: profile.domain,
    decoder: profile.decoder.kind,
    decoderSha256: createHash('sha256').update(decoder).digest('hex'),
    networkServerObject: profile.networkServerObject,
    samples: profile.samples.length,
  };
}

function definedOf(patch: ProfilePatch): ProfilePatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as ProfilePatch;
}
