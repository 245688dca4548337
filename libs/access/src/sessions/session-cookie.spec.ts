import { csrfRefusal } from './csrf';
import { clearedSessionCookie, readCookie, sessionCookie } from './session-cookie';

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, for the whole origin, and Secure over HTTPS', () => {
    expect(sessionCookie('tok', false)).toBe('hub_session=tok; Path=/; HttpOnly; SameSite=Strict');
    expect(sessionCookie('tok', true)).toBe('hub_session=tok; Path=/; HttpOnly; SameSite=Strict; Secure');
    expect(clearedSessionCookie(false)).toBe('hub_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
  });

  it('is read from a Cookie header among others', () => {
    expect(readCookie('theme=dark; hub_session=abc; other=1', 'hub_session')).toBe('abc');
    expect(readCookie('hub_session_old=x', 'hub_session')).toBeUndefined();
    expect(readCookie(undefined, 'hub_session')).toBeUndefined();
  });
});

describe('csrfRefusal', () => {
  it('refuses a change without a JSON-like body type unless an Authorization header authenticates it', () => {
    expect(csrfRefusal('POST', false, 'application/x-www-form-urlencoded')).toBe('send this request with Content-Type: application/json (got application/x-www-form-urlencoded)');
    expect(csrfRefusal('POST', false, 'text/plain;charset=UTF-8')).toMatch(/got text\/plain\)$/);
    expect(csrfRefusal('POST', false, 'multipart/form-data; boundary=x')).toMatch(/got multipart\/form-data\)$/);
    expect(csrfRefusal('DELETE', false, undefined)).toMatch(/got none\)$/);
    expect(csrfRefusal('POST', false, 'application/json; charset=utf-8')).toBeNull();
    expect(csrfRefusal('POST', false, 'text/csv')).toBeNull();
    expect(csrfRefusal('POST', true, 'text/plain')).toBeNull();
    expect(csrfRefusal('GET', false, undefined)).toBeNull();
  });
});
