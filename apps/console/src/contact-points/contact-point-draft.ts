import type { ContactPointChangeBody, ContactPointKind, ContactPointLanguage, ContactPointView, NewContactPointBody } from '@hub/api-types';
import { type MessageId, t } from '../i18n/i18n';

/**
 * The contact point form as typed: every setting as text (lists one a line), whatever the kind, so switching the
 * kind of a new contact point keeps what was typed. Secrets are write-only: on a saved contact point their inputs
 * start empty, and an empty one is left out of the PATCH, which keeps the stored value.
 */
export interface ContactPointDraft {
  readonly name: string;
  readonly kind: ContactPointKind;
  /** '': the hub's HUB_NOTIFY_LANGUAGE. */
  readonly language: ContactPointLanguage | '';
  readonly values: Readonly<Record<SettingKey, string>>;
  /** Nullable secrets the admin chose to remove (a robot without 加签, a mailbox without login). */
  readonly clear: readonly SettingKey[];
}

export type SettingKey =
  | 'host' | 'port' | 'security' | 'username' | 'password' | 'ca' | 'from' | 'to'
  | 'url' | 'secret' | 'format'
  | 'method' | 'headers' | 'contentType' | 'body' | 'templateId' | 'phoneNumbers' | 'successPath' | 'successEquals';

const KIND_LABELS: Readonly<Record<ContactPointKind, MessageId>> = {
  email: 'notify.contactPoints.kind.email',
  dingtalk: 'notify.contactPoints.kind.dingtalk',
  feishu: 'notify.contactPoints.kind.feishu',
  wecom: 'notify.contactPoints.kind.wecom',
  sms: 'notify.contactPoints.kind.sms',
  webhook: 'notify.contactPoints.kind.webhook',
};

/** The kind in the console's language: "DingTalk robot", "钉钉机器人". */
export const kindLabel = (kind: ContactPointKind): string => t(KIND_LABELS[kind]);

/** The settings of each kind, in form order; success is one setting of the API split in two inputs. */
export const KIND_FIELDS: Readonly<Record<ContactPointKind, readonly SettingKey[]>> = {
  email: ['host', 'port', 'security', 'username', 'password', 'ca', 'from', 'to'],
  dingtalk: ['url', 'secret'],
  feishu: ['url', 'secret', 'format'],
  wecom: ['url'],
  sms: ['method', 'url', 'headers', 'contentType', 'body', 'templateId', 'phoneNumbers', 'successPath', 'successEquals'],
  webhook: ['url', 'secret'],
};

/** Write-only per kind, as the hub keeps them (SECRET_FIELDS in @hub/notify). */
export const SECRET_KEYS: Readonly<Record<ContactPointKind, readonly SettingKey[]>> = {
  email: ['password'],
  dingtalk: ['url', 'secret'],
  feishu: ['url', 'secret'],
  wecom: ['url'],
  sms: ['url', 'headers'],
  webhook: ['secret'],
};

/** Secrets the hub lets a PATCH clear with null; a robot URL or an SMS gateway URL is required. */
const CLEARABLE: readonly SettingKey[] = ['password', 'secret', 'headers'];

export const isSecret = (kind: ContactPointKind, key: SettingKey): boolean => SECRET_KEYS[kind].includes(key);
export const isClearable = (key: SettingKey): boolean => CLEARABLE.includes(key);

const EMPTY_VALUES: Record<SettingKey, string> = {
  host: '', port: '', security: 'starttls', username: '', password: '', ca: '', from: '', to: '',
  url: '', secret: '', format: 'card',
  method: 'POST', headers: '', contentType: '', body: '', templateId: '', phoneNumbers: '', successPath: '', successEquals: '',
};

export function emptyContactPointDraft(): ContactPointDraft {
  return { name: '', kind: 'webhook', language: '', values: EMPTY_VALUES, clear: [] };
}

/** A saved contact point in the form: its public settings shown, every secret input empty. */
export function draftOf(saved: ContactPointView): ContactPointDraft {
  const settings = saved.settings;
  const text = (key: string): string => {
    const value = settings[key];
    if (value === null || value === undefined) return '';
    if (Array.isArray(value)) return value.map(String).join('\n');
    return String(value);
  };
  const success = settings.success as { jsonPath: string; equals: unknown } | null | undefined;
  const values: Record<SettingKey, string> = { ...EMPTY_VALUES };
  for (const key of KIND_FIELDS[saved.kind]) if (!isSecret(saved.kind, key)) values[key] = text(key);
  values.successPath = success?.jsonPath ?? '';
  values.successEquals = success ? JSON.stringify(success.equals) : '';
  return { name: saved.name, kind: saved.kind, language: saved.language ?? '', values, clear: [] };
}

/** One a line; commas also separate addresses and numbers pasted from a spreadsheet. */
export const listOf = (text: string): string[] => text.split(/[\n,]+/).map((item) => item.trim()).filter((item) => item !== '');

/** `Name: value` one a line; the value is kept as typed after the first colon (tokens may hold colons). */
export function headersOf(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    headers[(colon < 0 ? line : line.slice(0, colon)).trim()] = colon < 0 ? '' : line.slice(colon + 1).trim();
  }
  return headers;
}

/** `"OK"`, `0`, `true` as JSON; anything that is not JSON is taken as the text it is. */
function successValue(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : text;
  } catch {
    return text;
  }
}

const blankToNull = (text: string): string | null => (text.trim() === '' ? null : text);

/** The API value of one setting as typed; undefined leaves it out (the hub's default applies). */
function settingValue(kind: ContactPointKind, key: SettingKey, values: Readonly<Record<SettingKey, string>>): unknown {
  const text = values[key];
  switch (key) {
    case 'port':
      return text.trim() === '' ? undefined : /^\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'to':
    case 'phoneNumbers':
      return listOf(text);
    case 'headers':
      return text.trim() === '' ? undefined : headersOf(text);
    case 'username':
    case 'ca':
      return blankToNull(text);
    case 'body':
      return kind === 'sms' && values.method === 'GET' && text.trim() === '' ? null : text;
    case 'contentType':
      return text.trim() === '' ? undefined : text.trim();
    case 'host':
    case 'from':
    case 'templateId':
    case 'url':
      return text.trim();
    default:
      return text;
  }
}

/** The settings as typed, with success put back together; secrets empty left out. */
function typedSettings(draft: ContactPointDraft): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of KIND_FIELDS[draft.kind]) {
    if (key === 'successPath' || key === 'successEquals') continue;
    if (isSecret(draft.kind, key) && draft.values[key] === '') continue;
    const value = settingValue(draft.kind, key, draft.values);
    if (value !== undefined) settings[key] = value;
  }
  if (draft.kind === 'sms') {
    settings.success = draft.values.successPath.trim() === '' && draft.values.successEquals.trim() === '' ? null : { jsonPath: draft.values.successPath.trim(), equals: successValue(draft.values.successEquals.trim()) };
  }
  return settings;
}

export function newContactPointBody(draft: ContactPointDraft): NewContactPointBody {
  return { name: draft.name.trim(), kind: draft.kind, language: draft.language === '' ? null : draft.language, settings: typedSettings(draft) };
}

/**
 * PATCH body: the public settings that differ from the saved ones, a secret only when typed (or null when the
 * admin asked to remove it), so the audit entry shows the change and a blank secret keeps the stored one.
 */
export function contactPointChange(draft: ContactPointDraft, saved: ContactPointView): ContactPointChangeBody {
  const typed = typedSettings(draft);
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(typed)) {
    if (isSecret(draft.kind, key as SettingKey) || JSON.stringify(value) !== JSON.stringify(saved.settings[key] ?? null)) settings[key] = value;
  }
  for (const key of draft.clear) if (draft.values[key] === '' && saved.secrets[key]) settings[key] = null;
  const language = draft.language === '' ? null : draft.language;
  return { ...(language === saved.language ? {} : { language }), ...(Object.keys(settings).length === 0 ? {} : { settings }) };
}

/** Where it sends, in one line, from the public settings only (the API never answers a secret). */
export function contactPointSummary(point: Pick<ContactPointView, 'kind' | 'settings'>): string {
  const settings = point.settings;
  const list = (key: string): string => (Array.isArray(settings[key]) ? (settings[key] as unknown[]).map(String).join(', ') : '');
  switch (point.kind) {
    case 'email':
      return t('notify.contactPoints.summary.via', { to: list('to'), through: `${String(settings.host)}:${String(settings.port)}` });
    case 'sms':
      return t('notify.contactPoints.summary.via', { to: list('phoneNumbers'), through: String(settings.endpoint) });
    case 'webhook':
      return String(settings.url);
    default:
      return t('notify.contactPoints.summary.robot', { kind: kindLabel(point.kind), endpoint: String(settings.endpoint) });
  }
}

/**
 * The hub names settings by their path in the body (`settings.to[1]`, `settings.success.equals`); the form shows
 * each problem under its input, and an item of a list (one a line) by its line: `to` → `line 2: must be …`.
 */
export function formProblems(fields: Readonly<Record<string, string>>): Record<string, string> {
  const problems: Record<string, string> = {};
  const add = (path: string, problem: string): void => {
    problems[path] = problems[path] ? `${problems[path]}; ${problem}` : problem;
  };
  for (const [field, problem] of Object.entries(fields)) {
    const path = field.startsWith('settings.') ? field.slice('settings.'.length) : field;
    const item = /^(to|phoneNumbers)\[(\d+)\]$/.exec(path);
    if (item) add(item[1], t('notify.contactPoints.lineProblem', { line: Number(item[2]) + 1, problem }));
    else add(path, problem);
  }
  return problems;
}
