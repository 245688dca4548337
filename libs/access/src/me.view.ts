import type { Principal } from './access-scope';
import type { SessionTimes } from './sessions/operator-sessions';

/** GET /api/auth/me and the login's answer: who the caller is, what they may do, and when their session ends. */
export interface MeView {
  readonly kind: Principal['kind'];
  readonly name: string;
  readonly role: Principal['role'];
  readonly towns: readonly string[];
  readonly domains: readonly string[];
  readonly session: { readonly idleExpiresAt: string; readonly expiresAt: string } | null;
}

export function meView(principal: Principal, session: SessionTimes | undefined): MeView {
  return {
    kind: principal.kind,
    name: principal.name,
    role: principal.role,
    towns: principal.scope.towns,
    domains: principal.scope.domains,
    session: session === undefined ? null : { idleExpiresAt: new Date(session.idleExpiresAt).toISOString(), expiresAt: new Date(session.expiresAt).toISOString() },
  };
}
