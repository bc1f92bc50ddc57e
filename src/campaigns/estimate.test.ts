import { describe, expect, it } from 'vitest';
import type { AccountConfig } from '../config/config.js';
import { DEFAULT_RETRY, type Route } from '../core/route.js';
import { EstimateTally, firstStep, smsUnits } from './estimate.js';

const step = (channel: 'line_pnp' | 'sms', accounts: string[]) => ({
  channel,
  accounts,
  fallbackAfterMs: 60_000,
  retry: DEFAULT_RETRY,
});
const route: Route = {
  name: 'line-then-sms',
  steps: [step('line_pnp', ['line']), step('sms', ['karaden', 'twilio'])],
};
const account = (provider: string, unit?: number): AccountConfig => ({
  name: provider,
  provider,
  baseUrl: 'http://x',
  rateLimit: 10,
  concurrency: 1,
  timeoutMs: 1000,
  ...(unit === undefined ? {} : { price: { unit } }),
});

describe('first step and cost estimate', () => {
  it('starts at the first step the engine would not skip', () => {
    expect(firstStep(route, () => false)).toBe(0);
    expect(firstStep(route, (c) => c === 'line_pnp')).toBe(1);
    expect(firstStep(route, () => true)).toBeNull();
  });

  it('counts SMS units as each kind of gateway bills them', () => {
    const long = 'あ'.repeat(100);
    expect(smsUnits('twilio', long)).toBe(2);
    expect(smsUnits('karaden', long)).toBeGreaterThanOrEqual(2);
    expect(smsUnits('twilio', 'short')).toBe(1);
  });

  it('prices each step with its first priced account and compares with SMS only', () => {
    const tally = new EstimateTally(route);
    tally.add(0, 'お支払いのお願い');
    tally.add(0, 'お支払いのお願い');
    tally.add(1, 'お支払いのお願い');
    tally.add(null, 'お支払いのお願い');
    const accounts = { line: account('line', 2), karaden: account('karaden'), twilio: account('twilio', 9) };
    const estimate = tally.finish(accounts);
    expect(estimate.byFirstStep).toEqual([
      { step: 0, channel: 'line_pnp', recipients: 2 },
      { step: 1, channel: 'sms', recipients: 1 },
    ]);
    expect(estimate.knownUnreachable).toBe(1);
    expect(estimate.channels[1]).toEqual({
      channel: 'sms',
      account: 'twilio',
      unitPrice: 9,
      unitsPerMessage: 1,
    });
    expect(estimate).toMatchObject({ expectedYen: 2 * 2 + 9, smsOnlyYen: 4 * 9, savingYen: 36 - 13 });
  });

  it('gives no total when a step that is used has no price', () => {
    const tally = new EstimateTally(route);
    tally.add(0, 'x');
    const estimate = tally.finish({
      line: account('line'),
      twilio: account('twilio', 8),
      karaden: account('karaden'),
    });
    expect(estimate).toMatchObject({ expectedYen: null, smsOnlyYen: 8, savingYen: null });
  });
});
