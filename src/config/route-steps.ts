import { z } from 'zod';
import { CHANNELS, type Channel } from '../core/channels.js';
import {
  DEFAULT_FALLBACK_AFTER_MS,
  DEFAULT_RETRY,
  parseDuration,
  type Route,
  type RouteStep,
} from '../core/route.js';
import { getProvider } from '../providers/registry.js';
import type { AccountConfig } from './config.js';

function isDuration(value: string | number): boolean {
  try {
    parseDuration(value);
    return true;
  } catch {
    return false;
  }
}

export const Duration = z
  .union([z.string(), z.number()])
  .refine(isDuration, 'must be a duration such as 30s, 15m, 2h or 30d (or milliseconds)');

/** One route step as written in the config file or inline in an API request. */
export const RouteStepInput = z.strictObject({
  channel: z.enum(CHANNELS),
  /** Provider accounts in failover order; default: every configured account serving the channel, in config order. */
  accounts: z.array(z.string().min(1)).min(1).optional(),
  fallbackAfter: Duration.optional(),
  retry: z
    .strictObject({
      maxAttempts: z.int().min(1).max(100).optional(),
      initialBackoff: Duration.optional(),
      maxBackoff: Duration.optional(),
    })
    .optional(),
});
export type RouteStepInput = z.infer<typeof RouteStepInput>;

/** The channels an account can send on, from its provider; empty for an unknown provider. */
export function accountChannels(account: AccountConfig): readonly Channel[] {
  return getProvider(account.provider)?.channels ?? [];
}

/** Configured accounts serving a channel, in config order. */
export function accountsForChannel(accounts: Record<string, AccountConfig>, channel: Channel): string[] {
  return Object.keys(accounts).filter((name) => accountChannels(accounts[name]!).includes(channel));
}

export interface StepProblem {
  /** Index of the step, and of the account within it when the account is the problem. */
  step: number;
  account?: number;
  code: 'unknown_account' | 'wrong_channel' | 'no_account_for_channel';
  message: string;
}

/**
 * Turns steps as written (config file or API request) into route steps: accounts default to every account
 * serving the channel, waits and retry policy to the defaults. Returns what is wrong instead when an account
 * is unknown or does not serve its step's channel.
 */
export function resolveRouteSteps(
  steps: readonly RouteStepInput[],
  accounts: Record<string, AccountConfig>,
): { ok: true; steps: RouteStep[] } | { ok: false; problems: StepProblem[] } {
  const problems: StepProblem[] = [];
  const resolved = steps.map((input, step): RouteStep => {
    const names = input.accounts ?? accountsForChannel(accounts, input.channel);
    if (names.length === 0) {
      problems.push({
        step,
        code: 'no_account_for_channel',
        message: `no account serves channel ${input.channel}`,
      });
    }
    names.forEach((name, account) => {
      const config = Object.hasOwn(accounts, name) ? accounts[name] : undefined;
      if (!config)
        problems.push({ step, account, code: 'unknown_account', message: `no account named "${name}"` });
      else if (!accountChannels(config).includes(input.channel)) {
        problems.push({
          step,
          account,
          code: 'wrong_channel',
          message: `account "${name}" (${config.provider}) does not serve channel ${input.channel}`,
        });
      }
    });
    return {
      channel: input.channel,
      accounts: names,
      fallbackAfterMs:
        input.fallbackAfter === undefined
          ? DEFAULT_FALLBACK_AFTER_MS[input.channel]
          : parseDuration(input.fallbackAfter),
      retry: {
        maxAttempts: input.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
        initialBackoffMs:
          input.retry?.initialBackoff === undefined
            ? DEFAULT_RETRY.initialBackoffMs
            : parseDuration(input.retry.initialBackoff),
        maxBackoffMs:
          input.retry?.maxBackoff === undefined
            ? DEFAULT_RETRY.maxBackoffMs
            : parseDuration(input.retry.maxBackoff),
      },
    };
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, steps: resolved };
}

/** The routes used when the config file names none: only those whose channels have accounts. */
export function defaultRoutes(accounts: Record<string, AccountConfig>): Record<string, Route> {
  const hasLine = accountsForChannel(accounts, 'line_pnp').length > 0;
  const hasSms = accountsForChannel(accounts, 'sms').length > 0;
  const candidates: [string, RouteStepInput[], boolean][] = [
    ['line-then-sms', [{ channel: 'line_pnp', fallbackAfter: '15m' }, { channel: 'sms' }], hasLine && hasSms],
    ['sms-only', [{ channel: 'sms' }], hasSms],
    ['line-only', [{ channel: 'line_pnp', fallbackAfter: '15m' }], hasLine],
  ];
  const routes: Record<string, Route> = {};
  for (const [name, steps, available] of candidates) {
    const resolved = available ? resolveRouteSteps(steps, accounts) : null;
    if (resolved?.ok) routes[name] = { name, steps: resolved.steps };
  }
  return routes;
}
