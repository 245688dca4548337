/** An API call that failed: the HTTP status (0 when the hub could not be reached) and the hub's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Field-level problems from a 400 (field → message), when the API names them. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unreachable(): boolean {
    return this.status === 0;
  }
}

const TIMEOUT_MS = 20_000;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Told about every 401: the session ended (idle, logged out elsewhere, disabled), so the console shows the login. */
let onUnauthorized: () => void = () => undefined;

export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export async function requestJson<T>(path: string, init: RequestInit & { quietUnauthorized?: boolean } = {}): Promise<T> {
  const { quietUnauthorized, ...requestInit } = init;
  const method = (requestInit.method ?? 'GET').toUpperCase();
  let response: Response;
  try {
    response = await fetch(path, {
      ...requestInit,
      // Every change carries a JSON body type, even without a body: the hub refuses changes a cross-site form could
      // send (its CSRF defence besides the SameSite=Strict cookie).
      headers: { Accept: 'application/json', ...(requestInit.body !== undefined || !SAFE_METHODS.has(method) ? { 'Content-Type': 'application/json' } : {}), ...requestInit.headers },
      signal: requestInit.signal ?? AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The hub is not answering. Check the network, or whether the service is running.');
  }
  const text = await response.text();
  const body: unknown = text === '' ? undefined : safeParse(text);
  if (response.status === 401 && !quietUnauthorized) onUnauthorized();
  if (!response.ok) throw new ApiError(response.status, messageOf(body) ?? `${response.status} ${response.statusText}`, fieldsOf(body));
  return body as T;
}

export const getJson = <T>(path: string, signal?: AbortSignal): Promise<T> => requestJson<T>(path, signal ? { signal } : {});

export const sendJson = <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> =>
  requestJson<T>(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });

/** `?a=1&b=x` from the set values only. */
export function query(params: Readonly<Record<string, string | number | undefined | null | false>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== false && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string' && body.length > 0) return body.slice(0, 300);
  if (typeof body !== 'object' || body === null) return undefined;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return undefined;
}

function fieldsOf(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  // The hub lists every problem of a refused body as { field: 'condition.clear', problem: 'must be below trigger' }.
  const issues = (body as { issues?: unknown }).issues;
  const fields: Record<string, string> = {};
  if (!Array.isArray(issues)) return fields;
  for (const issue of issues) {
    if (typeof issue !== 'object' || issue === null) continue;
    const { field, problem } = issue as { field?: unknown; problem?: unknown };
    if (typeof field === 'string') fields[field] = fields[field] ? `${fields[field]}; ${String(problem)}` : String(problem ?? 'is invalid');
  }
  return fields;
}
