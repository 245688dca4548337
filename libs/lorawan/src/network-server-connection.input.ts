import { type DomainIssue, firstUnprintable, InvalidInputError, JsonInputReader } from '@hub/common';
import {
  APPLICATION_ID_PATTERN, APPLICATION_ID_TEXT, CLIENT_ID_PATTERN, CLIENT_ID_TEXT, defaultClientId, NETWORK_SERVER_KINDS, NETWORK_SERVER_NAME_PATTERN,
  NETWORK_SERVER_NAME_TEXT, type NetworkServerConnection, type NetworkServerTls,
} from './network-server-connection';

const CREATE_FIELDS = ['name', 'kind', 'url', 'username', 'password', 'tls', 'applicationIds', 'clientId', 'enabled'];
const CHANGE_FIELDS = ['url', 'username', 'password', 'tls', 'applicationIds', 'clientId', 'enabled'];
const TLS_FIELDS = ['ca', 'rejectUnauthorized'];
/** A CA bundle of a few certificates is a few KiB; beyond this it is a mistake (a whole trust store pasted). */
const MAX_CA_CHARS = 65_536;
const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;
const MAX_URL = 512;
/** A network server with more applications than this is subscribed to with `+` (an empty list). */
const MAX_APPLICATIONS = 100;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** POST /api/network-servers: every problem listed with its field. */
export function parseNewNetworkServer(body: unknown): NetworkServerConnection {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, CREATE_FIELDS);
  if (read === undefined) throw new InvalidInputError('network server', issues);
  const name = read.requiredString('name', { maxLength: 40, pattern: NETWORK_SERVER_NAME_PATTERN, patternText: NETWORK_SERVER_NAME_TEXT });
  const kind = read.requiredOneOf('kind', NETWORK_SERVER_KINDS);
  const url = read.has('url') ? readUrl(read) : read.missing('url', 'is required: mqtt://host[:port] or mqtts://host[:port]');
  const username = readNullableText(read, 'username', MAX_USERNAME) ?? null;
  const password = readNullableText(read, 'password', MAX_PASSWORD) ?? null;
  const tls = readTls(read, { ca: null, rejectUnauthorized: true });
  const applicationIds = readApplicationIds(read) ?? [];
  const clientId = read.string('clientId', { maxLength: 64, pattern: CLIENT_ID_PATTERN, patternText: CLIENT_ID_TEXT });
  const enabled = read.boolean('enabled') ?? true;
  if (url !== undefined && tls !== undefined) checkTlsFitsUrl(read, url, tls);
  if (issues.length > 0 || name === undefined || kind === undefined || url === undefined || tls === undefined) throw new InvalidInputError('network server', issues);
  return { name, kind, url, username, password, tls, applicationIds, clientId: clientId ?? defaultClientId(name), enabled };
}

/**
 * PATCH /api/network-servers/{name}: the fields sent replace the current ones; `username`/`password` null clears
 * them, absent keeps them (the password is never shown, so a form that did not touch it sends nothing).
 */
export function applyNetworkServerChange(body: unknown, current: NetworkServerConnection): NetworkServerConnection {
  const issues: DomainIssue[] = [];
  const read = JsonInputReader.of(body, '', issues, [...CHANGE_FIELDS, 'name', 'kind']);
  if (read === undefined) throw new InvalidInputError('network server change', issues);
  for (const key of ['name', 'kind'] as const) {
    if (read.has(key)) read.fail(key, 'cannot change: delete the network server and create it again');
  }
  const url = read.has('url') ? readUrl(read) : current.url;
  const username = readNullableText(read, 'username', MAX_USERNAME);
  const password = readNullableText(read, 'password', MAX_PASSWORD);
  const tls = readTls(read, current.tls);
  const applicationIds = readApplicationIds(read);
  const clientId = read.string('clientId', { maxLength: 64, pattern: CLIENT_ID_PATTERN, patternText: CLIENT_ID_TEXT });
  const enabled = read.boolean('enabled');
  if (issues.length === 0 && !CHANGE_FIELDS.some((key) => read.has(key))) {
    read.fail('(body)', `changes nothing: send one of ${CHANGE_FIELDS.join(', ')}`);
  }
  if (url !== undefined && tls !== undefined) checkTlsFitsUrl(read, url, tls);
  if (issues.length > 0 || url === undefined || tls === undefined) throw new InvalidInputError('network server change', issues);
  return {
    ...current,
    url,
    username: username === undefined ? current.username : username,
    password: password === undefined ? current.password : password,
    tls,
    applicationIds: applicationIds ?? current.applicationIds,
    clientId: clientId ?? current.clientId,
    enabled: enabled ?? current.enabled,
  };
}

function readUrl(read: JsonInputReader): string | undefined {
  const text = read.string('url', { maxLength: MAX_URL });
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return read.fail('url', 'must be mqtt://host[:port] or mqtts://host[:port]');
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') return read.fail('url', `must start mqtt:// or mqtts://, not ${url.protocol}//`);
  if (url.hostname === '') return read.fail('url', 'must name a host');
  // Credentials in a URL end up in logs and views; they have fields of their own, and the password is write-only.
  if (url.username !== '' || url.password !== '') return read.fail('url', 'must not hold credentials: send username and password as fields');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') return read.fail('url', 'must be only mqtt[s]://host[:port], without a path or query');
  return `${url.protocol}//${url.host}`;
}

/** A string, null (clear it) or absent (undefined). Empty strings are refused: null says "none". */
function readNullableText(read: JsonInputReader, key: string, maxLength: number): string | null | undefined {
  if (read.raw(key) === null) return null;
  const text = read.string(key, { maxLength });
  if (text === undefined) return undefined;
  const bad = firstUnprintable(text);
  if (bad !== null) return read.fail(key, `must be printable text, holds U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
  return text;
}

/** `{ ca?: PEM | null, rejectUnauthorized?: boolean }` over `base`; undefined when invalid. */
function readTls(read: JsonInputReader, base: NetworkServerTls): NetworkServerTls | undefined {
  if (!read.has('tls')) return base;
  const tls = read.object('tls', TLS_FIELDS);
  if (tls === undefined) return undefined;
  const before = read.issues.length;
  let ca = base.ca;
  if (tls.raw('ca') === null) ca = null;
  else if (tls.has('ca')) {
    const text = tls.string('ca', { maxLength: MAX_CA_CHARS });
    if (text !== undefined && !PEM_CERTIFICATE.test(text)) tls.fail('ca', 'must be PEM text holding at least one -----BEGIN CERTIFICATE----- block');
    ca = text ?? null;
  }
  const rejectUnauthorized = tls.boolean('rejectUnauthorized') ?? base.rejectUnauthorized;
  return read.issues.length > before ? undefined : { ca, rejectUnauthorized };
}

function readApplicationIds(read: JsonInputReader): string[] | undefined {
  return read.stringList('applicationIds', { maxItems: MAX_APPLICATIONS, pattern: APPLICATION_ID_PATTERN, patternText: APPLICATION_ID_TEXT });
}

function checkTlsFitsUrl(read: JsonInputReader, url: string, tls: NetworkServerTls): void {
  if (url.startsWith('mqtt://') && (tls.ca !== null || !tls.rejectUnauthorized)) {
    read.fail('tls', 'applies only to an mqtts:// url: mqtt:// is plain TCP');
  }
}
