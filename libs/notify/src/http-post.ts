import type { DeliveryResult } from './delivery-result';

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * POSTs a body and reads the answer, bounded by `timeoutMs` for the whole exchange. A request that got no answer
 * (timeout, refused connection, DNS) becomes a retryable DeliveryResult that names only the URL's origin and path:
 * robot URLs carry their token in the query or the path's last segment.
 */
export async function httpPost(url: string, body: string, headers: Record<string, string>, timeoutMs: number, shownTarget: string): Promise<HttpAnswer | DeliveryResult> {
  return httpSend('POST', url, body, { 'content-type': 'application/json', ...headers }, timeoutMs, shownTarget);
}

export async function httpSend(
  method: string,
  url: string,
  body: string | undefined,
  headers: Record<string, string>,
  timeoutMs: number,
  shownTarget: string,
): Promise<HttpAnswer | DeliveryResult> {
  try {
    const response = await fetch(url, {
      method,
      headers: { 'user-agent': 'county-sensing-hub', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { ok: false, providerAnswer: `${method} ${shownTarget} failed: ${describeFetchError(error)}`, retryable: true };
  }
}

export function isHttpAnswer(value: HttpAnswer | DeliveryResult): value is HttpAnswer {
  return 'body' in value;
}

function describeFetchError(error: unknown): string {
  if (!hasMessage(error)) return String(error);
  return hasMessage(error.cause) ? `${error.message} (${error.cause.message})` : error.message;
}

/** By shape, not `instanceof Error`: the timeout's DOMException comes from undici's realm. */
function hasMessage(value: unknown): value is { message: string; cause?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}
