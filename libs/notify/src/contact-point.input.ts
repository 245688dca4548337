import { describe, type DomainIssue, firstUnprintable, InvalidInputError, isJsonObject, JsonInputReader } from '@hub/common';
import Mustache from 'mustache';
import {
  CONTACT_POINT_KINDS, CONTACT_POINT_NAME_PATTERN, CONTACT_POINT_NAME_TEXT, type ContactPoint, type ContactPointKind, type ContactPointSettings, EMAIL_SECURITIES,
  type EmailSecurity, FEISHU_FORMATS, SMS_METHODS, type SmsSettings,
} from './contact-point';
import { NOTIFY_LANGUAGES, type NotifyLanguage } from './message-templates';

const CREATE_FIELDS = ['name', 'kind', 'language', 'settings'];
const CHANGE_FIELDS = ['language', 'settings'];
const SETTINGS_FIELDS: Readonly<Record<ContactPointKind, readonly string[]>> = {
  email: ['host', 'port', 'security', 'username', 'password', 'ca', 'from', 'to'],
  dingtalk: ['url', 'secret'],
  feishu: ['url', 'secret', 'format'],
  wecom: ['url'],
  sms: ['method', 'url', 'headers', 'contentType', 'body', 'templateId', 'phoneNumbers', 'success'],
  webhook: ['url', 'secret'],
};
const SUCCESS_FIELDS = ['jsonPath', 'equals'];
const MAX_TEMPLATE = 8192;
const MAX_HEADERS = 20;
const MAX_PHONES = 50;
// E.164 with or without the +, or a national number: digits only, 5–20.
export const PHONE_NUMBER = /^\+?[0-9]{5,20}$/;
// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const CONTENT_TYPE = /^[a-z]+\/[a-z0-9.+-]+(;\s*[a-z-]+=[^;\s]+)*$/i;
// Headers fetch would refuse or that the request itself decides.
const RESERVED_HEADERS = ['host', 'content-length', 'content-type', 'transfer-encoding', 'connection'];
const DEFAULT_SMTP_PORT: Readonly<Record<EmailSecurity, number>> = { starttls: 587, tls: 465, none: 25 };
const MAX_URL = 2048;
/** A CA bundle of a few certificates is a few KiB; beyond this it is a mistake (a whole trust store pasted). */
const MAX_CA_CHARS = 65_536;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const MAX_SECRET = 512;
const MAX_RECIPIENTS = 50;
// Deliberately loose (RFC 5322 allows far more); it catches a name or a phone number typed into the wrong field.
export const EMAIL_ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const HOSTNAME = /^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$/;

/** POST /api/contact-points: every problem listed with its field. */
export function parseNewContactPoint(body: unknown): ContactPoint {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, CREATE_FIELDS);
  if (read === undefined) throw new InvalidInputError('contact point', issues);
  const name = read.requiredString('name', { maxLength: 40, pattern: CONTACT_POINT_NAME_PATTERN, patternText: CONTACT_POINT_NAME_TEXT });
  const kind = read.requiredOneOf('kind', CONTACT_POINT_KINDS);
  const language = readLanguage(read);
  const settings = kind === undefined ? undefined : read.has('settings') ? readSettings(read, kind) : read.fail('settings', `is required: ${SETTINGS_FIELDS[kind].join(', ')}`);
  if (issues.length > 0 || name === undefined || settings === undefined || language === undefined) throw new InvalidInputError('contact point', issues);
  return { name, language, ...settings };
}

/**
 * PATCH /api/contact-points/{name}: the settings sent replace the current ones and the result is checked whole.
 * A secret absent keeps its value (it is never shown, so a form that did not touch it sends nothing); null clears it.
 */
export function applyContactPointChange(body: unknown, current: ContactPoint): ContactPoint {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, [...CHANGE_FIELDS, 'name', 'kind']);
  if (read === undefined) throw new InvalidInputError('contact point change', issues);
  for (const key of ['name', 'kind'] as const) {
    if (read.has(key)) read.fail(key, 'cannot change: delete the contact point and create it again');
  }
  const language = read.raw('language') === undefined ? current.language : readLanguage(read);
  // A change of language alone leaves the settings as they are.
  const change = read.has('settings') || !read.has('language') ? read.raw('settings') : {};
  if (change === undefined) read.fail('settings', `is required: any of ${SETTINGS_FIELDS[current.kind].join(', ')}`);
  else if (!isJsonObject(change)) read.fail('settings', 'must be a JSON object');
  if (issues.length > 0 || !isJsonObject(change) || language === undefined) throw new InvalidInputError('contact point change', issues);
  // The security decides the default port: a change of security without a port takes the new default.
  const base: Record<string, unknown> = { ...current.settings };
  if (current.kind === 'email' && change.security !== undefined && change.port === undefined) delete base.port;
  const merged = JsonInputReader.of({ settings: { ...base, ...change } }, '', issues, ['settings']);
  const settings = merged === undefined ? undefined : readSettings(merged, current.kind);
  if (issues.length > 0 || settings === undefined) throw new InvalidInputError('contact point change', issues);
  return { name: current.name, language, ...settings };
}

/** en or zh; null or absent: the hub's HUB_NOTIFY_LANGUAGE. Undefined only when refused. */
function readLanguage(read: JsonInputReader): NotifyLanguage | null | undefined {
  const value = read.raw('language');
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && (NOTIFY_LANGUAGES as readonly string[]).includes(value)) return value as NotifyLanguage;
  return read.fail('language', `must be one of ${NOTIFY_LANGUAGES.join(', ')} (the messages' language), or null for the hub's HUB_NOTIFY_LANGUAGE; got ${describe(value)}`);
}

function readSettings(read: JsonInputReader, kind: ContactPointKind): ContactPointSettings | undefined {
  const fields = read.object('settings', SETTINGS_FIELDS[kind]);
  if (fields === undefined) return undefined;
  const before = read.issues.length;
  const settings = readKindSettings(fields, kind);
  return read.issues.length > before ? undefined : settings;
}

function readKindSettings(read: JsonInputReader, kind: ContactPointKind): ContactPointSettings | undefined {
  switch (kind) {
    case 'email': {
      const host = read.requiredString('host', { maxLength: 253, pattern: HOSTNAME, patternText: 'a host name or IP address' });
      const security = read.oneOf('security', EMAIL_SECURITIES) ?? 'starttls';
      const port = read.number('port', { min: 1, max: 65_535, integer: true }) ?? DEFAULT_SMTP_PORT[security];
      const username = readNullableText(read, 'username', 256);
      const password = readNullableText(read, 'password', MAX_SECRET);
      if (password != null && username == null) read.fail('password', 'needs a username');
      const ca = read.raw('ca') === null ? null : read.string('ca', { maxLength: MAX_CA_CHARS });
      if (typeof ca === 'string' && !PEM_CERTIFICATE.test(ca)) read.fail('ca', 'must be PEM text holding at least one -----BEGIN CERTIFICATE----- block');
      if (typeof ca === 'string' && security === 'none') read.fail('ca', 'applies only with security starttls or tls');
      const from = read.requiredString('from', { maxLength: 254, pattern: EMAIL_ADDRESS, patternText: 'an email address such as alerts@county.example' });
      const to = read.has('to')
        ? read.stringList('to', { maxItems: MAX_RECIPIENTS, pattern: EMAIL_ADDRESS, patternText: 'an email address such as duty@county.example' })
        : read.missing('to', 'is required: a list of email addresses');
      if (to !== undefined && to.length === 0) read.fail('to', 'must name at least one address');
      if (host === undefined || from === undefined || to === undefined) return undefined;
      return { kind, settings: { host, port, security, username: username ?? null, password: password ?? null, ca: ca ?? null, from, to } };
    }
    case 'dingtalk': {
      const url = readUrl(read);
      const secret = readNullableText(read, 'secret', MAX_SECRET) ?? null;
      return url === undefined ? undefined : { kind, settings: { url, secret } };
    }
    case 'feishu': {
      const url = readUrl(read);
      const secret = readNullableText(read, 'secret', MAX_SECRET) ?? null;
      const format = read.oneOf('format', FEISHU_FORMATS) ?? 'card';
      return url === undefined ? undefined : { kind, settings: { url, secret, format } };
    }
    case 'wecom': {
      const url = readUrl(read);
      return url === undefined ? undefined : { kind, settings: { url } };
    }
    case 'sms': {
      const settings = readSms(read);
      return settings === undefined ? undefined : { kind, settings };
    }
    case 'webhook': {
      const url = readUrl(read);
      const secret = readNullableText(read, 'secret', MAX_SECRET) ?? null;
      return url === undefined ? undefined : { kind, settings: { url, secret } };
    }
  }
}

function readSms(read: JsonInputReader): SmsSettings | undefined {
  const before = read.issues.length;
  const method = read.oneOf('method', SMS_METHODS) ?? 'POST';
  const url = readUrl(read);
  if (url !== undefined) checkTemplate(read, 'url', url);
  if (url !== undefined && /[{}]/.test(new URL(url).origin)) read.fail('url', 'must not have placeholders in the scheme, host or port');
  const headers = readHeaders(read);
  const contentType = read.string('contentType', { maxLength: 200, pattern: CONTENT_TYPE, patternText: 'a media type such as application/json' }) ?? 'application/json';
  const body = read.raw('body') === null ? null : read.string('body', { maxLength: MAX_TEMPLATE });
  if (typeof body === 'string') checkTemplate(read, 'body', body);
  if (method === 'GET' && typeof body === 'string') read.fail('body', 'must be absent or null with method GET: put the parameters in the url template');
  if (method !== 'GET' && body == null) read.fail('body', `is required with method ${method}: a template such as {"to": {{json.phones}}, "template": {{json.templateId}}}`);
  const templateId = read.requiredString('templateId', { maxLength: 100 });
  const phoneNumbers = read.has('phoneNumbers')
    ? read.stringList('phoneNumbers', { maxItems: MAX_PHONES, pattern: PHONE_NUMBER, patternText: 'a phone number of 5–20 digits, optionally starting with +' })
    : read.missing('phoneNumbers', 'is required: a list of phone numbers');
  if (phoneNumbers !== undefined && phoneNumbers.length === 0) read.fail('phoneNumbers', 'must name at least one number');
  const success = readSuccess(read);
  if (read.issues.length > before || url === undefined || headers === undefined || templateId === undefined || phoneNumbers === undefined || success === undefined) return undefined;
  return { method, url, headers, contentType, body: body ?? null, templateId, phoneNumbers, success };
}

/** Header names and values as given; a value is never quoted back (it is usually a credential). */
function readHeaders(read: JsonInputReader): Record<string, string> | undefined {
  if (!read.has('headers')) return {};
  const value = read.raw('headers');
  if (!isJsonObject(value) || Object.keys(value).length > MAX_HEADERS) return read.fail('headers', `must be an object of at most ${MAX_HEADERS} header names to string values`);
  const headers: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (!HEADER_NAME.test(name)) read.fail(`headers.${name}`, 'is not a valid header name');
    else if (RESERVED_HEADERS.includes(name.toLowerCase())) read.fail(`headers.${name}`, `is set by the hub (use contentType for the body's type); not allowed: ${RESERVED_HEADERS.join(', ')}`);
    else if (typeof text !== 'string' || text.length > 2048 || /[\r\n\0]/.test(text)) read.fail(`headers.${name}`, 'must be a string of at most 2048 characters without line breaks');
    else headers[name] = text;
  }
  return headers;
}

function readSuccess(read: JsonInputReader): SmsSettings['success'] | undefined {
  if (read.raw('success') === null || !read.has('success')) return null;
  const success = read.object('success', SUCCESS_FIELDS);
  if (success === undefined) return undefined;
  const jsonPath = success.requiredString('jsonPath', { maxLength: 200, pattern: /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, patternText: 'a dotted path such as Code or result.status' });
  const equals = success.raw('equals');
  if (!['string', 'number', 'boolean'].includes(typeof equals)) success.missing('equals', 'is required: the string, number or boolean the answer holds on success');
  if (jsonPath === undefined || !(typeof equals === 'string' || typeof equals === 'number' || typeof equals === 'boolean')) return undefined;
  return { jsonPath, equals };
}

/** A mustache template that parses: an unclosed section would otherwise fail only when an alert fires. */
function checkTemplate(read: JsonInputReader, key: string, template: string): void {
  try {
    Mustache.parse(template);
  } catch (error) {
    read.fail(key, `is not a valid mustache template: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** Only http(s): a contact point must not make the hub open file:, data: or other schemes. */
function readUrl(read: JsonInputReader): string | undefined {
  if (!read.has('url')) return read.missing('url', 'is required: an http:// or https:// URL');
  const text = secretText(read, 'url', MAX_URL);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return read.fail('url', 'must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return read.fail('url', `must start http:// or https://, not ${url.protocol}//`);
  if (url.username !== '' || url.password !== '') return read.fail('url', 'must not hold user credentials');
  return url.href;
}

/** A string, null (none) or absent (undefined). Empty strings are refused: null says "none". */
function readNullableText(read: JsonInputReader, key: string, maxLength: number): string | null | undefined {
  if (read.raw(key) === null) return null;
  const text = secretText(read, key, maxLength);
  if (text === undefined) return undefined;
  const bad = firstUnprintable(text);
  if (bad !== null) return read.fail(key, `must be printable text, holds U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
  return text;
}

/**
 * A non-empty string of at most maxLength characters. Unlike JsonInputReader.string, a refusal never quotes the
 * value: these fields hold passwords, signing secrets and URLs with tokens, and 400 bodies reach browsers and proxies.
 */
function secretText(read: JsonInputReader, key: string, maxLength: number): string | undefined {
  const value = read.raw(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > maxLength) {
    const got = typeof value === 'string' ? (value.trim() === '' ? 'an empty string' : `${value.length} characters`) : `a ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`;
    return read.fail(key, `must be a non-empty string of at most ${maxLength} characters, got ${got}`);
  }
  return value;
}
