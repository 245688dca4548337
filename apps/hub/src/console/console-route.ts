/**
 * Which requests the operator console answers, as a pure decision so it can be tested without a server. The console
 * is a single-page app served from the API's own port: its assets by path, and index.html for any page route (so a
 * bookmarked /devices/gas-3 or a reload works). The API namespaces are never touched, so an unknown /api path still
 * gets the API's JSON 404.
 */
export type ConsoleRoute = { readonly kind: 'pass' } | { readonly kind: 'file'; readonly file: string; readonly immutable: boolean } | { readonly kind: 'page' };

const RESERVED_PREFIXES = ['/api', '/metrics'];
const PASS: ConsoleRoute = { kind: 'pass' };

export function consoleRoute(method: string, path: string, accept: string | undefined): ConsoleRoute {
  if (method !== 'GET' && method !== 'HEAD') return PASS;
  if (RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return PASS;
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (last.includes('.')) {
    // A file: only plain relative names, never a way out of the console folder.
    const file = path.slice(1);
    if (file.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return PASS;
    // Vite names everything under assets/ by content hash: a changed file is a new name, so it can be cached forever.
    return { kind: 'file', file, immutable: file.startsWith('assets/') };
  }
  // A page: for browsers (and anything that takes any type); a client asking for JSON gets the API's 404 instead.
  if (accept === undefined || accept === '' || accept.includes('text/html') || accept.includes('*/*')) return { kind: 'page' };
  return PASS;
}
