import type { Channel } from './channels.js';

/** How often and how patiently a step retries transient failures on one account. */
export interface RetryPolicy {
  /** Requests per account within a step, the first one included. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** One step of a route: a channel, its provider accounts in failover order, and how long to wait for a receipt. */
export interface RouteStep {
  channel: Channel;
  accounts: string[];
  /** How long an accepted attempt may stay without a receipt before the route moves on. */
  fallbackAfterMs: number;
  retry: RetryPolicy;
}

export interface Route {
  /** The configured name, or null for a route given inline with the message. */
  name: string | null;
  steps: RouteStep[];
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, initialBackoffMs: 1_000, maxBackoffMs: 60_000 };

/** Receipt waits used when a step names none: LINE PNP consent can take long, SMS receipts are quick. */
export const DEFAULT_FALLBACK_AFTER_MS: Record<Channel, number> = {
  line_pnp: 15 * 60_000,
  line_push: 5 * 60_000,
  sms: 30 * 60_000,
  email: 30 * 60_000,
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "500ms", "30s", "15m", "2h", "1d" (or a plain number of milliseconds) into milliseconds. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new RangeError(`invalid duration: ${input}`);
    return input;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(input);
  if (!match) throw new RangeError(`invalid duration "${input}" (use e.g. 30s, 15m, 2h)`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}
