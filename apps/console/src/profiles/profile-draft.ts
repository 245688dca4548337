import type { DeviceProfileView } from '@hub/api-types';
import { t } from '../i18n/i18n';

export type DecoderKind = 'mapping' | 'script';
export type SampleEncoding = 'text' | 'hex' | 'base64';
export type ScriptPayload = 'bytes' | 'hex' | 'base64';

export const SAMPLE_ENCODINGS: readonly SampleEncoding[] = ['text', 'hex', 'base64'];
export const SCRIPT_PAYLOADS: readonly ScriptPayload[] = ['bytes', 'hex', 'base64'];

/** One saved vendor payload as the editor holds it: fPort as typed, so a half-typed number is not lost. */
export interface SampleDraft {
  readonly name: string;
  readonly payload: string;
  readonly encoding: SampleEncoding;
  readonly fPort: string;
}

/**
 * A profile as the editor holds it: the decoder as the text an admin types (a mapping's JSON, a codec's source),
 * turned into the API's body only when saved or tried, so a half-typed JSON never loses what was typed.
 */
export interface ProfileDraft {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly domain: string;
  readonly kind: DecoderKind;
  /** The mapping definition as JSON, without its kind. */
  readonly mapping: string;
  readonly source: string;
  readonly payload: ScriptPayload;
  /** A script's optional mapping of its `data` to metrics, as JSON; empty: every field of data is a metric. */
  readonly scriptMapping: string;
  readonly networkServerObject: boolean;
  readonly samples: readonly SampleDraft[];
}

export const MAPPING_TEMPLATE = `{
  "metrics": {
    "pressure_kpa": { "expr": "P1", "scale": 0.1 },
    "flow_m3h": { "expr": "F", "unit": { "from": "L/s", "to": "m³/h" } }
  },
  "timestamp": { "expr": "T", "format": "epoch-s" },
  "seq": "N"
}`;

export const SCRIPT_TEMPLATE = `// The ChirpStack / The Things Stack codec convention: input.bytes, input.fPort, input.recvTime.
function decodeUplink(input) {
  var bytes = input.bytes;
  if (bytes.length < 2) return { errors: ['expected 2 bytes, got ' + bytes.length] };
  return {
    data: { pressure_kpa: ((bytes[0] << 8) | bytes[1]) / 10 },
    warnings: [],
  };
}`;

export function emptyDraft(domain: string): ProfileDraft {
  return {
    id: '',
    name: '',
    description: '',
    domain,
    kind: 'mapping',
    mapping: MAPPING_TEMPLATE,
    source: SCRIPT_TEMPLATE,
    payload: 'bytes',
    scriptMapping: '',
    networkServerObject: false,
    samples: [],
  };
}

const pretty = (value: unknown): string => JSON.stringify(value, null, 2);

/** A saved profile as the editor shows it; the other kind's text area starts from its template. */
export function draftOf(profile: DeviceProfileView): ProfileDraft {
  const { kind, ...definition } = profile.decoder;
  const script = kind === 'script' ? (definition as { source?: unknown; payload?: unknown; mapping?: unknown }) : undefined;
  return {
    id: profile.id,
    name: profile.name,
    description: profile.description,
    domain: profile.domain,
    kind,
    mapping: kind === 'mapping' ? pretty(definition) : MAPPING_TEMPLATE,
    source: typeof script?.source === 'string' ? script.source : SCRIPT_TEMPLATE,
    payload: SCRIPT_PAYLOADS.find((payload) => payload === script?.payload) ?? 'bytes',
    scriptMapping: script?.mapping === undefined ? '' : pretty(script.mapping),
    networkServerObject: profile.networkServerObject,
    samples: profile.samples.map((sample) => ({ name: sample.name, payload: sample.payload, encoding: sample.encoding, fPort: sample.fPort === undefined ? '' : String(sample.fPort) })),
  };
}

/** Problems the console finds before asking the hub, by the field the hub would name. */
export type LocalProblems = Readonly<Record<string, string>>;

function parseJson(text: string, field: string, problems: Record<string, string>): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    problems[field] = t('admin.profiles.notJson', { message: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/** The decoder definition the API takes, or the JSON problem that keeps it from being one. */
export function decoderOf(draft: ProfileDraft): { decoder: Record<string, unknown> } | { problems: LocalProblems } {
  const problems: Record<string, string> = {};
  if (draft.kind === 'mapping') {
    const mapping = parseJson(draft.mapping, 'decoder', problems);
    if (mapping === undefined) return { problems };
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) return { problems: { decoder: t('admin.profiles.notObject', { example: '{ "metrics": { "name": { "expr": … } }, … }' }) } };
    return { decoder: { ...mapping, kind: 'mapping' } };
  }
  const mapping = draft.scriptMapping.trim() === '' ? undefined : parseJson(draft.scriptMapping, 'decoder.mapping', problems);
  if (Object.keys(problems).length > 0) return { problems };
  return { decoder: { kind: 'script', source: draft.source, ...(draft.payload === 'bytes' ? {} : { payload: draft.payload }), ...(mapping === undefined ? {} : { mapping }) } };
}

/** "2" → 2; empty → absent; anything else is sent as typed, so the hub names the field. */
export function fPortOf(text: string): { fPort?: number | string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const value = Number(trimmed);
  return { fPort: Number.isInteger(value) ? value : trimmed };
}

/** The body of POST /api/device-profiles (with id) or PATCH /api/device-profiles/{id} (without). */
export function profileBody(draft: ProfileDraft, withId: boolean): { body: Record<string, unknown> } | { problems: LocalProblems } {
  const decoder = decoderOf(draft);
  if ('problems' in decoder) return decoder;
  return {
    body: {
      ...(withId ? { id: draft.id.trim() } : {}),
      name: draft.name,
      description: draft.description,
      domain: draft.domain,
      decoder: decoder.decoder,
      networkServerObject: draft.networkServerObject,
      samples: draft.samples.map((sample) => ({ name: sample.name, payload: sample.payload, encoding: sample.encoding, ...fPortOf(sample.fPort) })),
    },
  };
}

/** Keys sorted at every level, so two definitions that differ only in key order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Whether the draft decodes as the saved profile does (same domain, same decoder): then the saved one is tried. */
export function decodesAsSaved(draft: ProfileDraft, saved: DeviceProfileView | undefined): boolean {
  if (saved === undefined || draft.domain !== saved.domain) return false;
  const decoder = decoderOf(draft);
  if ('problems' in decoder) return false;
  const stored: Record<string, unknown> = { ...saved.decoder };
  if (stored.kind === 'script' && stored.payload === 'bytes') delete stored.payload;
  return canonical(decoder.decoder) === canonical(stored);
}

export interface TryInput {
  readonly payload: string;
  readonly encoding: SampleEncoding;
  readonly fPort: string;
}

/**
 * Where "Try it" goes: the saved profile's test endpoint when the draft decodes as saved, else the draft endpoint
 * with the draft's domain and decoder — so what is tried is always what is on the screen.
 */
export function tryRequest(
  draft: ProfileDraft,
  saved: DeviceProfileView | undefined,
  input: TryInput,
): { kind: 'saved'; id: string; body: Record<string, unknown> } | { kind: 'draft'; body: Record<string, unknown> } | { problems: LocalProblems } {
  const sample = { payload: input.payload, encoding: input.encoding, ...fPortOf(input.fPort) };
  if (saved !== undefined && decodesAsSaved(draft, saved)) return { kind: 'saved', id: saved.id, body: sample };
  const decoder = decoderOf(draft);
  if ('problems' in decoder) return decoder;
  return { kind: 'draft', body: { domain: draft.domain, decoder: decoder.decoder, ...sample } };
}

/** The hub's field errors under one prefix (`decoder` → decoder.metrics.x.expr …), as "field: problem" lines. */
export function problemsUnder(fields: Readonly<Record<string, string>>, prefix: string): string[] {
  return Object.entries(fields)
    .filter(([field]) => field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`))
    .map(([field, problem]) => (field === prefix ? problem : `${field.slice(prefix.length).replace(/^\./, '')}: ${problem}`));
}
