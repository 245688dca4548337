import type { MeView, OperatorPreferences } from '@hub/api-types';
import type { Principal } from './access-scope';
import type { SessionTimes } from './sessions/operator-sessions';

/** GET /api/auth/me and the login's answer: the shape of @hub/api-types. */
export type { MeView };

export function meView(principal: Principal, session: SessionTimes | undefined, countyTimeZone: string, preferences: OperatorPreferences | null = null): MeView {
  return {
    kind: principal.kind,
    name: principal.name,
    role: principal.role,
    towns: principal.scope.towns,
    domains: principal.scope.domains,
    session: session === undefined ? null : { idleExpiresAt: new Date(session.idleExpiresAt).toISOString(), expiresAt: new Date(session.expiresAt).toISOString() },
    countyTimeZone,
    preferences,
  };
}
