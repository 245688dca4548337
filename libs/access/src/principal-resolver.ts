import { COUNTY_SCOPE, Principal } from './access-scope';
import { ApiKeysService } from './api-keys/api-keys.service';
import { OperatorSessions, SessionTimes } from './sessions/operator-sessions';
import { readCookie, SESSION_COOKIE } from './sessions/session-cookie';

/** What a request presents: its Authorization and Cookie headers. */
export interface PresentedCredentials {
  readonly authorization?: string;
  readonly cookie?: string;
}

export interface Authentication {
  readonly principal: Principal;
  /** `bearer`: an API key in the Authorization header; `session`: the console's cookie (a browser, so CSRF rules apply). */
  readonly via: 'bearer' | 'session';
  /** When the session ends (session only). */
  readonly session?: SessionTimes;
}

export const BOOTSTRAP_PRINCIPAL: Principal = { kind: 'bootstrap-key', name: 'bootstrap-key', role: 'admin', scope: COUNTY_SCOPE };

/**
 * Who is asking: an `Authorization: Bearer` header (the bootstrap key from configuration, or an issued API key) or
 * else the session cookie. A request that sends an Authorization header is judged by it alone — a bad key is not
 * rescued by a cookie that happens to be there. Every lookup reads the database, so a disabled operator, an ended
 * session or a revoked key stops working with the next request.
 */
export class PrincipalResolver {
  constructor(
    private readonly isBootstrapKey: ((presented: string) => boolean) | null,
    private readonly keys: ApiKeysService,
    private readonly sessions: OperatorSessions,
  ) {}

  /** `touch: false` checks without counting as activity (the live stream re-checking an open connection). */
  async resolve(credentials: PresentedCredentials, options: { touch: boolean } = { touch: true }): Promise<Authentication | null> {
    if (credentials.authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(credentials.authorization);
      if (match === null) return null;
      if (this.isBootstrapKey?.(match[1])) return { principal: BOOTSTRAP_PRINCIPAL, via: 'bearer' };
      const principal = await this.keys.resolve(match[1]);
      return principal === null ? null : { principal, via: 'bearer' };
    }
    const token = sessionTokenOf(credentials.cookie);
    if (token === undefined) return null;
    const session = await this.sessions.resolve(token, options);
    return session === null ? null : { principal: session.principal, via: 'session', session: session.times };
  }
}

export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  const token = readCookie(cookieHeader, SESSION_COOKIE);
  return token === undefined || token === '' ? undefined : token;
}
