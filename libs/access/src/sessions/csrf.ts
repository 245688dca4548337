/**
 * CSRF. The session cookie is SameSite=Strict, so a browser never attaches it to a request another site starts. As a
 * second, independent line (older browsers; a same-site subdomain under someone else's control), a request that
 * changes something and is not authenticated by an Authorization header (session cookie, or the login itself) must
 * carry a body type that a cross-origin page can only send after a CORS preflight — which the hub never grants. HTML
 * forms and "simple" fetches can only send the three CORS-safelisted types (or none), so those are refused: the
 * console sends application/json. An API key in an Authorization header cannot be attached by another site at all.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CORS_SAFELISTED = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** Why the request is refused (415), or null when it may proceed. */
export function csrfRefusal(method: string, viaAuthorizationHeader: boolean, contentType: string | undefined): string | null {
  if (SAFE_METHODS.has(method.toUpperCase()) || viaAuthorizationHeader) return null;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === '' || CORS_SAFELISTED.has(type)) return `send this request with Content-Type: application/json (got ${type === '' ? 'none' : type})`;
  return null;
}
