import { useEffect, useState } from 'preact/hooks';
import { hubApi } from '../api/hub-api';
import { chooseTimeZone, timeZoneChoice } from '../format/time';
import { chooseLanguage, currentLanguage } from '../i18n/i18n';
import { ApiError, setUnauthorizedHandler } from '../api/http';
import type { MeView, Role } from '@hub/api-types';

/**
 * Who is using the console. `checking` until the hub has answered /api/auth/me; `signed-out` shows the login page
 * (with why: the session ended, or the operator logged out); `signed-in` shows the console for that operator.
 */
export type SessionState =
  | { readonly status: 'checking' }
  | { readonly status: 'signed-out'; readonly reason: 'none' | 'expired' | 'logged-out' }
  | { readonly status: 'signed-in'; readonly me: MeView };

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `me` has at least `role` (admin ⊃ operator ⊃ viewer), as the hub decides. */
export function hasRole(me: MeView, role: Role): boolean {
  return ROLE_RANK[me.role] >= ROLE_RANK[role];
}

class SessionStore {
  private current: SessionState = { status: 'checking' };
  private readonly listeners = new Set<(state: SessionState) => void>();

  get state(): SessionState {
    return this.current;
  }

  /** Asks the hub who we are (the cookie is HttpOnly: the page cannot read it, only use it). */
  async check(): Promise<void> {
    try {
      const me = await hubApi.me();
      await applyPreferences(me);
      this.set({ status: 'signed-in', me });
    } catch (error) {
      // Not answering is not "logged out": stay on the last state and let the caller show the outage.
      if (error instanceof ApiError && error.status === 401) this.set({ status: 'signed-out', reason: 'none' });
      else throw error;
    }
  }

  async login(username: string, password: string): Promise<void> {
    const me = await hubApi.login(username, password);
    await applyPreferences(me);
    this.set({ status: 'signed-in', me });
  }

  async logout(): Promise<void> {
    try {
      await hubApi.logout();
    } finally {
      this.set({ status: 'signed-out', reason: 'logged-out' });
    }
  }

  /** Re-asks who we are after a sign that the session may have ended (the live stream refused); 401 → expired. */
  async recheck(): Promise<void> {
    if (this.current.status !== 'signed-in') return;
    try {
      const me = await hubApi.me();
      if (this.current.status === 'signed-in') this.set({ status: 'signed-in', me });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.expired();
    }
  }

  /** Any API call answered 401: the session ended under us. */
  expired(): void {
    if (this.current.status === 'signed-in') this.set({ status: 'signed-out', reason: 'expired' });
  }

  subscribe(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private set(state: SessionState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}

export const session = new SessionStore();
setUnauthorizedHandler(() => session.expired());

export function useSession(): SessionState {
  const [state, setState] = useState(session.state);
  useEffect(() => session.subscribe(setState), []);
  return state;
}

/** The logged-in operator (the console renders its pages only while signed in). */
export function useMe(): MeView {
  const state = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe outside a signed-in console');
  return state.me;
}

/** The operator's saved language and clock (from another computer, perhaps) in force before the console draws. */
async function applyPreferences(me: MeView): Promise<void> {
  const saved = me.preferences;
  if (saved === null) return;
  if (saved.timeZone !== null && saved.timeZone !== timeZoneChoice()) chooseTimeZone(saved.timeZone);
  if (saved.language !== null && saved.language !== currentLanguage()) {
    try {
      await chooseLanguage(saved.language);
    } catch {
      // Its catalogue could not be fetched: carry on in the language in force.
    }
  }
}
