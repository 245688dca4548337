export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };

/**
 * Delay before reconnect attempt `attempt` (1, 2, …): doubling from initialMs up to maxMs, less up to a fifth at
 * random so that a county's bridges do not all knock on a restarted broker in the same millisecond.
 */
export function reconnectDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = policy.initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(exponential, policy.maxMs);
  return Math.round(capped * (1 - 0.2 * random()));
}
