import type { ApiIssue, IssueParams } from '@hub/api-types';
import { t } from '../i18n/i18n';
import { errorText, issueText } from './api-error-text';

/**
 * An API call that failed: the HTTP status (0 when the hub could not be reached), the hub's stable code and its
 * message in the operator's language (see api-error-text.ts).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Field-level problems from a 400 (field → message in the operator's language), when the API names them. */
    readonly fields: Readonly<Record<string, string>> = {},
    /** The hub's code (`device-not-found`); undefined when the hub was not reached or answered without one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The hub could not be reached: said the same way by every call. */
  static unreachable(): ApiError {
    return new ApiError(0, t('errors.unreachable'));
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
    throw ApiError.unreachable();
  }
  const text = await response.text();
  const body: unknown = text === '' ? undefined : safeParse(text);
  if (response.status === 401 && !quietUnauthorized) onUnauthorized();
  if (!response.ok) throw refusal(response, body);
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

/** A refusal as the console shows it: the hub's code and values translated, its English kept where no code fits. */
function refusal(response: Response, body: unknown): ApiError {
  const message = messageOf(body) ?? `${response.status} ${response.statusText}`;
  const { code, params } = typeof body === 'object' && body !== null ? (body as { code?: unknown; params?: IssueParams }) : {};
  if (typeof code !== 'string') return new ApiError(response.status, message, fieldsOf(body));
  // Retry-After (seconds) is the value a "try again later" sentence needs.
  const values: IssueParams = { ...params, seconds: Number(response.headers.get('Retry-After') ?? 0) };
  return new ApiError(response.status, errorText(code, values, message), fieldsOf(body), code);
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
    if (typeof field !== 'string') continue;
    const text = typeof problem === 'string' ? issueText(issue as ApiIssue) : t('errors.issue.invalid');
    fields[field] = fields[field] ? `${fields[field]}; ${text}` : text;
  }
  return fields;
}
