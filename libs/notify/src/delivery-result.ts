/** What one send attempt came to, as the delivery log keeps it. */
export interface DeliveryResult {
  ok: boolean;
  /** HTTP status, SMTP reply code, or absent when nothing answered (timeout, refused connection). */
  status?: number;
  /** The provider's own words (its errmsg, SMTP reply, body), cut to MAX_PROVIDER_ANSWER characters. */
  providerAnswer: string;
  /** Whether sending the same message again later may succeed (rate limits, 5xx, timeouts); false for a refusal. */
  retryable: boolean;
}

export const MAX_PROVIDER_ANSWER = 500;

export function truncateAnswer(text: string): string {
  return text.length > MAX_PROVIDER_ANSWER ? `${text.slice(0, MAX_PROVIDER_ANSWER - 1)}…` : text;
}

/** 408, 429 and 5xx may pass on a later attempt; any other 4xx says the request itself is wrong. */
export function retryableHttpStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
