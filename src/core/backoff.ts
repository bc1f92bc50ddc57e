import type { RetryPolicy } from './route.js';

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many messages
 * after one provider hiccup spread out instead of arriving together.
 * `tries` is the number of requests already made (1 after the first failure).
 */
export function backoffDelay(tries: number, policy: RetryPolicy, random: () => number): number {
  const exponential = policy.initialBackoffMs * 2 ** Math.max(0, tries - 1);
  const capped = Math.min(policy.maxBackoffMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}
