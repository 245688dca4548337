import {
  createDecoder, DecodeOutcome, DecoderDefinitionError, DecoderInput, type DecoderRefusal, DEFAULT_DECODER_LIMITS, type DecoderLimits, type DownlinkInput, type EncodedDownlink, type PayloadDecoder, refuse,
} from '@hub/decoders';
import { type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import type { DeviceProfile } from './device-profile';

/** What a profile's decoder has cost so far (since the service started): the per-message price of a codec, measured. */
export interface DecoderStats {
  readonly decoded: number;
  readonly refused: number;
  /** Mean wall time of one decode, µs; null before the first. */
  readonly meanMicros: number | null;
}

/** A profile with its decoder ready to run, as ingest sees it. */
export interface ProfileDecoder {
  readonly profile: DeviceProfile;
  /** Never rejects: a decoder that cannot run refuses the message (DECODER_ERROR) with the reason. */
  decode(input: DecoderInput): Promise<DecodeOutcome>;
}

interface Compiled {
  readonly version: number;
  readonly decoder: Promise<PayloadDecoder>;
}

/**
 * Every device profile in memory with its compiled decoder: built once per profile version (a codec's sandbox, a
 * mapping's JSONata expressions) and reused for every message, replaced when an admin changes the profile.
 */
export class ProfileBook {
  private readonly profiles = new Map<string, DeviceProfile>();
  private readonly compiled = new Map<string, Compiled>();
  private readonly stats = new Map<string, { decoded: number; refused: number; micros: number }>();

  private shared: SharedCacheNotice = UNSHARED_CACHE;

  constructor(private readonly limits: DecoderLimits = DEFAULT_DECODER_LIMITS) {}

  load(profiles: readonly DeviceProfile[]): void {
    for (const profile of profiles) this.profiles.set(profile.id, profile);
  }

  /** The other nodes of a cluster, told after put and remove (which follow this node's commits). */
  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /** Every profile as the database has them now (another node's changes): the others are removed. */
  replaceAll(profiles: readonly DeviceProfile[]): void {
    const stored = new Set(profiles.map((profile) => profile.id));
    for (const id of [...this.profiles.keys()]) if (!stored.has(id)) this.drop(id);
    for (const profile of profiles) this.follow(profile.id, profile);
  }

  /**
   * One profile as the database has it now (undefined: deleted) after another node changed it; its decoder is built
   * again on first use when the version moved (see compiledDecoder).
   */
  follow(id: string, profile: DeviceProfile | undefined): void {
    if (profile === undefined) this.drop(id);
    else this.profiles.set(id, profile);
  }

  get(id: string): DeviceProfile | undefined {
    return this.profiles.get(id);
  }

  list(): DeviceProfile[] {
    return [...this.profiles.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The registry's question: which domain a profile decodes into (undefined: no such profile). */
  domainOf(id: string): string | undefined {
    return this.profiles.get(id)?.domain;
  }

  /** Builds a decoder for a definition (and so checks it); throws DecoderDefinitionError naming each problem. */
  build(profile: Pick<DeviceProfile, 'decoder'>): Promise<PayloadDecoder> {
    return createDecoder(profile.decoder, this.limits);
  }

  /** A profile saved with the decoder the service built for it; the previous version's decoder is freed. */
  put(profile: DeviceProfile, decoder: PayloadDecoder): void {
    this.profiles.set(profile.id, profile);
    this.replace(profile.id, { version: profile.version, decoder: Promise.resolve(decoder) });
    this.shared.changed([profile.id]);
  }

  remove(id: string): void {
    this.drop(id);
    this.shared.changed([id]);
  }

  private drop(id: string): void {
    this.profiles.delete(id);
    this.replace(id, undefined);
    this.stats.delete(id);
  }

  statsOf(id: string): DecoderStats {
    const stats = this.stats.get(id);
    if (stats === undefined) return { decoded: 0, refused: 0, meanMicros: null };
    const runs = stats.decoded + stats.refused;
    return { decoded: stats.decoded, refused: stats.refused, meanMicros: runs === 0 ? null : Math.round((stats.micros / runs) * 10) / 10 };
  }

  /** The profile's decoder for ingest, built on first use after a start (profiles loaded from the database). */
  decoderFor(id: string): ProfileDecoder | undefined {
    const profile = this.profiles.get(id);
    if (profile === undefined) return undefined;
    return { profile, decode: (input) => this.decode(profile, input) };
  }

  /** A command as a downlink frame, by the profile's codec (its encodeDownlink); a refusal says why not. */
  async encode(id: string, input: DownlinkInput): Promise<EncodedDownlink | DecoderRefusal> {
    const profile = this.profiles.get(id);
    if (profile === undefined) return refuse('DECODER_ERROR', `no device profile ${id}`);
    const decoder = await this.compiledDecoder(profile);
    if ('reason' in decoder) return decoder;
    if (decoder.encode === undefined) return refuse('DECODER_ERROR', `profile ${id}'s decoder is a ${profile.decoder.kind}: only a script codec with encodeDownlink sends commands`);
    return decoder.encode(input);
  }

  private async compiledDecoder(profile: DeviceProfile): Promise<PayloadDecoder | DecoderRefusal> {
    let compiled = this.compiled.get(profile.id);
    if (compiled === undefined || compiled.version !== profile.version) {
      compiled = { version: profile.version, decoder: this.build(profile) };
      this.replace(profile.id, compiled);
    }
    try {
      return await compiled.decoder;
    } catch (error) {
      // Stored while it built; a library upgrade may since refuse it. The message is dead-lettered, not lost.
      const detail = error instanceof DecoderDefinitionError ? error.issues.map((issue) => `${issue.field} ${issue.problem}`).join('; ') : String(error);
      return refuse('DECODER_ERROR', `profile ${profile.id}'s decoder does not build: ${detail}`);
    }
  }

  private async decode(profile: DeviceProfile, input: DecoderInput): Promise<DecodeOutcome> {
    const decoder = await this.compiledDecoder(profile);
    if ('reason' in decoder) return decoder;
    const started = process.hrtime.bigint();
    let outcome: DecodeOutcome;
    try {
      outcome = await decoder.decode(input);
    } catch (error) {
      // A decoder never throws by contract; if one does, that message is the only casualty.
      outcome = refuse('DECODER_ERROR', error instanceof Error ? error.message : String(error));
    }
    this.count(profile.id, 'reason' in outcome, Number(process.hrtime.bigint() - started) / 1000);
    return outcome;
  }

  private count(id: string, refused: boolean, micros: number): void {
    let stats = this.stats.get(id);
    if (stats === undefined) this.stats.set(id, (stats = { decoded: 0, refused: 0, micros: 0 }));
    if (refused) stats.refused++;
    else stats.decoded++;
    stats.micros += micros;
  }

  private replace(id: string, next: Compiled | undefined): void {
    const previous = this.compiled.get(id);
    if (next === undefined) this.compiled.delete(id);
    else this.compiled.set(id, next);
    if (previous !== undefined && previous !== next) previous.decoder.then((decoder) => decoder.dispose(), () => undefined);
  }
}
