/**
 * Whether an error means "the database cannot be reached or cannot take work right now" rather than "this statement
 * is wrong": the former is answered 503 with Retry-After and retried by background work; the latter stays a 500.
 *
 * postgres.js reports connection trouble with its own codes (CONNECTION_CLOSED, CONNECT_TIMEOUT…) or the socket's
 * (ECONNREFUSED…); the server reports shutdowns and overload with SQLSTATEs (class 08 connection exceptions,
 * 57P01–57P03 shutting down / cannot connect now, 53300 too many connections, 25006 read-only transaction — a
 * primary that became a standby). SQLite reports a database another process holds with SQLITE_BUSY.
 */
const CODES = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE',
  '57P01', '57P02', '57P03', '53300', '25006',
  'SQLITE_BUSY', 'SQLITE_LOCKED',
  // The store's own circuit breaker (guarded-dialect.ts): the database was found down a moment ago.
  'DATABASE_UNAVAILABLE',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  // By shape, not by class: socket errors come from Node's own realm, where `instanceof Error` of a sandbox (jest,
  // the decoders' VM) is false.
  let cause: unknown = error;
  for (let depth = 0; typeof cause === 'object' && cause !== null && depth < 5; depth++) {
    const { code, errors } = cause as { code?: unknown; errors?: unknown };
    if (typeof code === 'string' && (CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    // Several addresses tried, all refused: Node wraps each in an AggregateError.
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
