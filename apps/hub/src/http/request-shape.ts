import { quoted } from '@hub/common';

/**
 * Rules every API request meets before its handler runs, as plain functions (RequestShapeInterceptor applies them).
 * Each returns what is wrong, naming the parameter or header and what is allowed, or undefined.
 */

/** The media type a JSON route takes when it declares none (see @AcceptsBody). */
export const JSON_MEDIA_TYPE = 'application/json';

/**
 * Query parameters: each at most once (a repeated one reaches a handler as an array, which no handler expects) and
 * only those the handler reads (`declared`; null when it reads the whole query), so a typo such as `?limt=5` is a
 * 400 instead of silently returning the default page — the same rule as unknown fields in JSON bodies.
 */
export function queryProblem(query: Readonly<Record<string, unknown>>, declared: readonly string[] | null): string | undefined {
  for (const name of Object.keys(query)) {
    const value = query[name];
    if (Array.isArray(value)) return `Query parameter ${quoted(name)} is given ${value.length} times; give it once`;
    if (typeof value !== 'string') return `Query parameter ${quoted(name)} must be a plain value`;
    if (declared !== null && !declared.includes(name)) {
      const allowed = declared.length === 0 ? 'this endpoint takes no query parameters' : `allowed: ${declared.join(', ')}`;
      return `Unknown query parameter ${quoted(name)}; ${allowed}`;
    }
  }
  return undefined;
}

export interface BodyHeaders {
  readonly contentType: string | undefined;
  readonly contentLength: string | undefined;
  readonly transferEncoding: string | undefined;
}

/**
 * A request that carries a body must say it is one of the media types the route takes (JSON unless the route says
 * otherwise): a form post or text/plain would otherwise reach the handler as "no body" and get a misleading 400.
 */
export function contentTypeProblem(headers: BodyHeaders, accepted: readonly string[]): string | undefined {
  const hasBody = headers.transferEncoding !== undefined || (headers.contentLength !== undefined && headers.contentLength !== '0');
  if (!hasBody) return undefined;
  const expected = `send the body as ${accepted.join(' or ')}`;
  if (headers.contentType === undefined || headers.contentType.trim() === '') return `Content-Type is missing; ${expected}`;
  const mediaType = headers.contentType.split(';')[0].trim().toLowerCase();
  if (accepted.includes(mediaType)) return undefined;
  return `Content-Type ${quoted(mediaType)} is not accepted here; ${expected}`;
}
