import { ConfigError, ConfigReader } from './env-parsers';

export interface OperatorConfig {
  /** A session unused this long ends (sliding: every authenticated request moves it on). */
  readonly sessionIdleMs: number;
  /** A session ends this long after login however busy it is: a stolen cookie is not good forever. */
  readonly sessionMaxAgeMs: number;
  /**
   * Password of the `admin` operator created on the first start (HUB_ADMIN_PASSWORD, for Docker/compose). Null: a
   * random one is written to `${HUB_DATA_DIR}/initial-admin-password`. Ignored once any operator exists.
   */
  readonly initialAdminPassword: string | null;
  /**
   * `auto`: the session cookie is `Secure` when the request came over HTTPS; `always`: every time (the hub sits behind
   * a TLS-terminating proxy that talks plain HTTP to it).
   */
  readonly secureCookies: 'auto' | 'always';
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The password policy's minimum (libs/access/src/passwords/password-policy.ts); repeated so config has no access import. */
const MIN_PASSWORD_LENGTH = 12;
const PASSWORD_ALLOWED = `at least ${MIN_PASSWORD_LENGTH} characters`;

export function readOperatorConfig(read: ConfigReader): OperatorConfig {
  const sessionIdleMs = read.duration('HUB_SESSION_IDLE_TIMEOUT', '1h', MINUTE, 7 * DAY, 'a console session unused this long ends; at most HUB_SESSION_MAX_AGE');
  const sessionMaxAgeMs = read.duration('HUB_SESSION_MAX_AGE', '12h', 5 * MINUTE, 30 * DAY, 'a session ends this long after login however busy it is (a shift)');
  if (sessionIdleMs > sessionMaxAgeMs) {
    read.errors.push(new ConfigError('HUB_SESSION_IDLE_TIMEOUT', read.string('HUB_SESSION_IDLE_TIMEOUT', '1h'), `must not exceed HUB_SESSION_MAX_AGE (${read.string('HUB_SESSION_MAX_AGE', '12h')})`));
  }
  const initialAdminPassword = read.optionalString('HUB_ADMIN_PASSWORD', {
    description: 'password of the `admin` operator made on the first start (Docker/compose); ignored once operators exist; never echoed',
    default: '(random, in `${HUB_DATA_DIR}/initial-admin-password`)',
    allowed: PASSWORD_ALLOWED,
  }) ?? null;
  if (initialAdminPassword !== null && [...initialAdminPassword].length < MIN_PASSWORD_LENGTH) {
    // A secret: never echoed.
    read.errors.push(new ConfigError('HUB_ADMIN_PASSWORD', `(${[...initialAdminPassword].length} characters, hidden)`, PASSWORD_ALLOWED));
  }
  return {
    sessionIdleMs,
    sessionMaxAgeMs,
    initialAdminPassword,
    secureCookies: read.oneOf('HUB_COOKIE_SECURE', ['auto', 'always'] as const, 'auto', 'auto: the session cookie is Secure when the request came over HTTPS; always: every time (behind a TLS-terminating proxy)'),
  };
}
