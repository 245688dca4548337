import { type ContactPoint, type ContactPointKind, SECRET_FIELDS, type StoredContactPoint } from './contact-point';
import type { NotifyLanguage } from './message-templates';

/** A contact point as the API shows it: secret fields left out, only whether each is set. */
export interface ContactPointView {
  name: string;
  kind: ContactPointKind;
  /** The messages' language; null: the hub's HUB_NOTIFY_LANGUAGE. */
  language: NotifyLanguage | null;
  /** The settings without secrets; a URL that carries a token is shown as its origin (`endpoint`). */
  settings: Record<string, unknown>;
  /** True when at least one secret is stored. */
  secretSet: boolean;
  /** Each secret field of the kind and whether it is set. */
  secrets: Record<string, boolean>;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export function toContactPointView(stored: StoredContactPoint): ContactPointView {
  const { point } = stored;
  return {
    name: point.name,
    kind: point.kind,
    language: point.language,
    settings: publicSettings(point),
    secretSet: Object.values(secretsSet(point)).some(Boolean),
    secrets: secretsSet(point),
    createdAt: new Date(stored.createdAt).toISOString(),
    createdBy: stored.createdBy,
    updatedAt: new Date(stored.updatedAt).toISOString(),
    updatedBy: stored.updatedBy,
  };
}

/** The settings without any secret: for views and audit entries. */
export function publicSettings(point: ContactPoint): Record<string, unknown> {
  const secret = SECRET_FIELDS[point.kind];
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(point.settings)) {
    if (!secret.includes(key)) settings[key] = value;
  }
  if (point.kind === 'sms') settings.headerNames = Object.keys(point.settings.headers);
  if (secret.includes('url')) settings.endpoint = new URL((point.settings as { url: string }).url).origin;
  return settings;
}

export function secretsSet(point: ContactPoint): Record<string, boolean> {
  const values = point.settings as unknown as Record<string, unknown>;
  return Object.fromEntries(SECRET_FIELDS[point.kind].map((key) => [key, isSet(values[key])]));
}

function isSet(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  return typeof value !== 'object' || Object.keys(value).length > 0;
}
