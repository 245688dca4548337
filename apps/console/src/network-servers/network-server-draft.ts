import type { NetworkServerChangeBody, NetworkServerKind, NetworkServerView, NewNetworkServerBody } from '@hub/api-types';
import { t } from '../i18n/i18n';

/** The network server form as typed: text fields as strings, application ids one a line. */
export interface NetworkServerDraft {
  readonly name: string;
  readonly kind: NetworkServerKind;
  readonly url: string;
  readonly username: string;
  /** Write-only: empty on a saved connection means "keep the stored one". */
  readonly password: string;
  /** Drop the stored password (a broker that takes the username alone, or none). */
  readonly clearPassword: boolean;
  readonly ca: string;
  readonly rejectUnauthorized: boolean;
  readonly applicationIds: string;
  readonly clientId: string;
  readonly enabled: boolean;
}

export const NETWORK_SERVER_KIND_LABELS: Readonly<Record<NetworkServerKind, string>> = { 'chirpstack-v4': 'ChirpStack v4' };

export function emptyNetworkServerDraft(): NetworkServerDraft {
  return { name: '', kind: 'chirpstack-v4', url: '', username: '', password: '', clearPassword: false, ca: '', rejectUnauthorized: true, applicationIds: '', clientId: '', enabled: true };
}

/** A saved connection in the form; the password field starts empty, since the hub never shows it. */
export function draftOf(saved: NetworkServerView): NetworkServerDraft {
  return {
    name: saved.name,
    kind: saved.kind,
    url: saved.url,
    username: saved.username ?? '',
    password: '',
    clearPassword: false,
    ca: saved.tls.ca ?? '',
    rejectUnauthorized: saved.tls.rejectUnauthorized,
    applicationIds: saved.applicationIds.join('\n'),
    clientId: saved.clientId,
    enabled: saved.enabled,
  };
}

/** TLS settings mean something only for mqtts://, so the form shows them only then. */
export function usesTls(url: string): boolean {
  return url.trim().toLowerCase().startsWith('mqtts://');
}

/** One a line (commas and spaces also separate them, as pasted from ChirpStack's list). */
export function applicationIdList(text: string): string[] {
  return text.split(/[\s,]+/).filter((id) => id !== '');
}

/** The hub refuses empty strings where null means "none". */
const textOrNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

/**
 * Plain mqtt:// sends the defaults: the hub refuses TLS settings on a plain URL, and a connection moved off mqtts://
 * must not keep its old CA.
 */
function tlsOf(draft: NetworkServerDraft): { ca: string | null; rejectUnauthorized: boolean } {
  return usesTls(draft.url) ? { ca: textOrNull(draft.ca), rejectUnauthorized: draft.rejectUnauthorized } : { ca: null, rejectUnauthorized: true };
}

/** POST body: a blank client id takes the hub's default (county-hub-<name>), a blank password none. */
export function newNetworkServerBody(draft: NetworkServerDraft): NewNetworkServerBody {
  const tls = tlsOf(draft);
  return {
    name: draft.name.trim(),
    kind: draft.kind,
    url: draft.url.trim(),
    username: textOrNull(draft.username),
    ...(draft.password === '' ? {} : { password: draft.password }),
    ...(usesTls(draft.url) ? { tls } : {}),
    applicationIds: applicationIdList(draft.applicationIds),
    ...(draft.clientId.trim() === '' ? {} : { clientId: draft.clientId.trim() }),
    enabled: draft.enabled,
  };
}

/**
 * PATCH body: only what differs from the saved connection, so the audit entry shows the change and an untouched
 * form restarts nothing. The password is sent only when typed (or cleared on purpose).
 */
export function networkServerChange(draft: NetworkServerDraft, saved: NetworkServerView): NetworkServerChangeBody {
  const url = draft.url.trim();
  const username = textOrNull(draft.username);
  const tls = tlsOf(draft);
  const applicationIds = applicationIdList(draft.applicationIds);
  const clientId = draft.clientId.trim();
  const password = draft.password !== '' ? draft.password : draft.clearPassword && saved.passwordSet ? null : undefined;
  return {
    ...(url === saved.url ? {} : { url }),
    ...(username === saved.username ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(tls.ca === saved.tls.ca && tls.rejectUnauthorized === saved.tls.rejectUnauthorized ? {} : { tls }),
    ...(applicationIds.join('\n') === saved.applicationIds.join('\n') ? {} : { applicationIds }),
    ...(clientId === '' || clientId === saved.clientId ? {} : { clientId }),
    ...(draft.enabled === saved.enabled ? {} : { enabled: draft.enabled }),
  };
}

/**
 * The hub names a bad application id by its place in the list (`applicationIds[1]`); the form has one a line, so
 * the problem is told by line (`line 2: must be …`).
 */
export function applicationIdProblems(fields: Readonly<Record<string, string>>): string[] {
  return Object.entries(fields).flatMap(([field, problem]) => {
    if (field === 'applicationIds') return [problem];
    const item = /^applicationIds\[(\d+)\]$/.exec(field);
    return item ? [t('admin.networkServers.line', { number: Number(item[1]) + 1, problem })] : [];
  });
}

/** A disabled connection's bridge is stopped on purpose: said so, rather than a bare "stopped". */
export function stateText(server: Pick<NetworkServerView, 'enabled' | 'status'>): string {
  return !server.enabled && server.status.state === 'stopped' ? t('admin.networkServers.stateDisabled') : t(`admin.networkServers.stateText.${server.status.state}`);
}

export function stateTone(server: Pick<NetworkServerView, 'enabled' | 'status'>): 'ok' | 'info' | 'warning' | 'muted' {
  switch (server.status.state) {
    case 'connected':
      return 'ok';
    case 'connecting':
      return 'info';
    case 'waiting-to-reconnect':
      return 'warning';
    default:
      return server.enabled ? 'warning' : 'muted';
  }
}
