import { type DomainIssue, firstUnprintable, InvalidInputError, isJsonObject, JsonInputReader } from '@hub/common';
import { domainChoices, type MetricCatalogue } from '@hub/contract';
import type { DecoderDefinition } from '@hub/decoders';
import { type ProfileSample, SAMPLE_ENCODINGS } from './device-profile';

export const PROFILE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MAX_NAME = 80;
const MAX_DESCRIPTION = 500;
export const MAX_SAMPLES = 20;
/** A sample is one vendor payload: a LoRaWAN frame is tens of bytes, an RTU's JSON a few hundred. */
export const MAX_SAMPLE_CHARS = 8 * 1024;

export interface NewProfileInput {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly domain: string;
  readonly decoder: DecoderDefinition;
  readonly networkServerObject: boolean;
  readonly samples: readonly ProfileSample[];
}

export type ProfilePatch = Partial<Omit<NewProfileInput, 'id'>>;

const FIELDS = ['id', 'name', 'description', 'domain', 'decoder', 'networkServerObject', 'samples'];

/**
 * POST /api/device-profiles. The decoder is only checked for shape here (an object with a kind); whether it builds
 * — a JSONata expression that parses, a codec that defines decodeUplink — is the service's question, asked by
 * building it.
 */
export function readNewProfile(body: unknown, catalogue: MetricCatalogue): NewProfileInput {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, FIELDS);
  if (read === undefined) throw new InvalidInputError('device profile', issues);
  const id = read.requiredString('id', { maxLength: 40, pattern: PROFILE_ID_PATTERN, patternText: 'the form of acme-wm11: lower-case letters, digits and dashes (1–40)' });
  const name = readName(read, true);
  const description = readDescription(read) ?? '';
  const domain = readProfileDomain(read, catalogue, true);
  const decoder = readDecoder(read, true);
  const networkServerObject = read.boolean('networkServerObject') ?? false;
  const samples = readSamples(read) ?? [];
  if (issues.length > 0 || id === undefined || name === undefined || domain === undefined || decoder === undefined) throw new InvalidInputError('device profile', issues);
  return { id, name, description, domain, decoder, networkServerObject, samples };
}

/** PATCH /api/device-profiles/{id}: any field but the id. */
export function readProfilePatch(body: unknown, catalogue: MetricCatalogue): ProfilePatch {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, FIELDS.filter((field) => field !== 'id'));
  if (read === undefined) throw new InvalidInputError('device profile change', issues);
  const patch: { -readonly [K in keyof ProfilePatch]: ProfilePatch[K] } = {};
  if (read.has('name')) patch.name = readName(read, false);
  if (read.has('description')) patch.description = readDescription(read);
  if (read.has('domain')) patch.domain = readProfileDomain(read, catalogue, false);
  if (read.has('decoder')) patch.decoder = readDecoder(read, false);
  if (read.has('networkServerObject')) patch.networkServerObject = read.boolean('networkServerObject');
  if (read.has('samples')) patch.samples = readSamples(read);
  if (issues.length > 0) throw new InvalidInputError('device profile change', issues);
  if (Object.keys(patch).length === 0) throw new InvalidInputError('device profile change', [{ field: 'body', problem: `names nothing to change; allowed: ${FIELDS.slice(1).join(', ')}` }]);
  return patch;
}

function readName(read: JsonInputReader, required: boolean): string | undefined {
  const name = required ? read.requiredString('name', { maxLength: MAX_NAME }) : read.string('name', { maxLength: MAX_NAME });
  if (name === undefined) return undefined;
  if (name.trim() === '') return read.fail('name', 'must not be blank');
  const unprintable = firstUnprintable(name);
  return unprintable === null ? name.trim() : read.fail('name', 'must not contain control or invisible formatting characters');
}

function readDescription(read: JsonInputReader): string | undefined {
  return read.string('description', { maxLength: MAX_DESCRIPTION });
}

function readProfileDomain(read: JsonInputReader, catalogue: MetricCatalogue, required: boolean): string | undefined {
  if (!read.has('domain')) return required ? read.missing('domain', `is required: ${domainChoices(catalogue)}`) : undefined;
  const domain = read.raw('domain');
  return typeof domain === 'string' && catalogue.hasDomain(domain) ? domain : read.fail('domain', `must be ${domainChoices(catalogue)}, got ${JSON.stringify(domain)}`, 'one-of', { allowed: catalogue.domains().join(', '), got: JSON.stringify(domain) });
}

function readDecoder(read: JsonInputReader, required: boolean): DecoderDefinition | undefined {
  if (!read.has('decoder')) return required ? read.missing('decoder', 'is required: { "kind": "mapping", … } or { "kind": "script", "source": … }') : undefined;
  const decoder = read.raw('decoder');
  if (!isJsonObject(decoder) || (decoder.kind !== 'mapping' && decoder.kind !== 'script')) {
    return read.fail('decoder', 'must be an object with "kind": "mapping" (JSONata paths to metrics) or "script" (a decodeUplink codec)');
  }
  return decoder as unknown as DecoderDefinition;
}

function readSamples(read: JsonInputReader): ProfileSample[] | undefined {
  const value = read.raw('samples');
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > MAX_SAMPLES) return read.fail('samples', `must be an array of at most ${MAX_SAMPLES} samples`);
  const samples: ProfileSample[] = [];
  value.forEach((item, index) => {
    const sample = readSample(item, `samples[${index}]`, read);
    if (sample !== undefined) samples.push(sample);
  });
  return samples.length === value.length ? samples : undefined;
}

/** `{ name, payload, encoding?, fPort? }`; shared with the try-it request, which sends one payload the same way. */
export function readSample(value: unknown, path: string, parent: JsonInputReader): ProfileSample | undefined {
  const read = JsonInputReader.of(value, parent.field(path), parent.issues, ['name', 'payload', 'encoding', 'fPort']);
  if (read === undefined) return undefined;
  const name = read.requiredString('name', { maxLength: MAX_NAME });
  const payload = readPayload(read);
  const encoding = read.oneOf('encoding', SAMPLE_ENCODINGS) ?? 'text';
  const fPort = read.number('fPort', { min: 0, max: 255, integer: true });
  if (name === undefined || payload === undefined) return undefined;
  return { name, payload, encoding, ...(fPort === undefined ? {} : { fPort }) };
}

export function readPayload(read: JsonInputReader): string | undefined {
  const payload = read.raw('payload');
  if (typeof payload !== 'string' || payload === '') return read.missing('payload', 'is required: the payload as text, or its bytes as hex or base64 (say which in "encoding")');
  return payload.length > MAX_SAMPLE_CHARS ? read.fail('payload', `is ${payload.length} characters; at most ${MAX_SAMPLE_CHARS}`) : payload;
}
