/** The console's session cookie. */
export const SESSION_COOKIE = 'hub_session';

/**
 * HttpOnly: page scripts (and anything injected into them) cannot read it. SameSite=Strict: the browser never sends
 * it with a request started by another site, which is what CSRF needs. Path=/: the console and the API share the
 * origin. No Max-Age: it ends with the browser session; the server ends it sooner (idle and absolute limits).
 * Secure when the hub is reached over HTTPS (or always, behind a TLS-terminating proxy).
 */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Tells the browser to drop the cookie (logout, or a session that is no longer valid). */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The value of cookie `name` in a Cookie header (RFC 6265 §5.4: `a=1; b=2`), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
