/** What a person or system may do: viewers read, operators also handle alerts, admins change the configuration. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PRINCIPAL_KINDS = ['operator', 'api-key', 'bootstrap-key'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export interface SessionTimesView {
  /** The session ends then unless used again (sliding). */
  readonly idleExpiresAt: string;
  readonly expiresAt: string;
}

/** The console's languages, as operators choose them (apps/console/src/i18n/languages.ts offers the same). */
export const CONSOLE_LANGUAGES = ['zh-CN', 'en'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];
export const TIME_ZONE_CHOICES = ['county', 'browser'] as const;
export type TimeZoneChoice = (typeof TIME_ZONE_CHOICES)[number];

/** An operator's saved choices, following them from computer to computer; null: not chosen (the browser's language, the county's zone). */
export interface OperatorPreferences {
  readonly language: ConsoleLanguage | null;
  readonly timeZone: TimeZoneChoice | null;
}

/** GET /api/auth/me and the login's answer: who the caller is, what they may do, and when their session ends. */
export interface MeView {
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly role: Role;
  readonly towns: readonly string[];
  readonly domains: readonly string[];
  readonly session: SessionTimesView | null;
  /** The county's time zone (HUB_TIME_ZONE): the console shows and takes times in it unless the operator chose their own. */
  readonly countyTimeZone: string;
  /** Logged-in operators' saved choices; null for API keys. */
  readonly preferences: OperatorPreferences | null;
}

/** An operator as the API shows it (never the hash). */
export interface OperatorView {
  readonly username: string;
  readonly role: Role;
  readonly towns: readonly string[];
  readonly domains: readonly string[];
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  /** Sessions open now (browsers logged in). */
  readonly sessions: number;
}

export interface ApiKeyView {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  /** The first characters of the key, to recognise it (`cshub_Ab3dEf…`). */
  readonly prefix: string;
  readonly role: Role;
  readonly towns: readonly string[];
  readonly domains: readonly string[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** POST /api/api-keys: the key, shown this once. */
export interface CreatedApiKey {
  readonly key: string;
  readonly apiKey: ApiKeyView;
}

/** One change someone made, as GET /api/audit shows it. */
export interface AuditEntryView {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** GET /api/audit. */
export interface AuditPage {
  readonly items: AuditEntryView[];
  /** Pass as `before` for the next (older) page. */
  readonly nextBefore: number | null;
}

/** POST /api/auth/login. */
export interface LoginRequest {
  username: string;
  password: string;
}

/** POST /api/auth/password. */
export interface PasswordChangeRequest {
  currentPassword: string;
  newPassword: string;
}
