import { describe, expect, it } from 'vitest';
import type { PriceBook } from '../core/price-book.js';
import { MonthlyUsage } from './monthly-usage.js';

const tiered: PriceBook = {
  tiers: [{ upTo: 10, unit: 8 }, { unit: 6 }],
};

describe('MonthlyUsage', () => {
  it('prices attempts from the units the account used this month, read from the store at start', async () => {
    const now = Date.parse('2026-11-22T03:00:00Z');
    const loads: [string, string][] = [];
    const usage = new MonthlyUsage(
      new Map<string, PriceBook>([
        ['sms-a', tiered],
        ['line', { unit: 3 }],
      ]),
      async (account, since) => {
        loads.push([account, new Date(since).toISOString()]);
        return 9;
      },
      () => now,
    );
    await usage.start();
    usage.stop();
    // Only the tiered account is read, from the start of the Japanese month.
    expect(loads).toEqual([['sms-a', '2026-10-31T15:00:00.000Z']]);
    expect(usage.cost('sms-a', 2)).toBe(8 + 6); // unit 10 in the first tier, unit 11 in the second
    expect(usage.cost('sms-a', 1)).toBe(6);
    expect(usage.used('sms-a')).toBe(12);
    expect(usage.cost('line', 2)).toBe(6);
    expect(usage.cost('unpriced', 2)).toBeNull();
  });

  it('starts counting again when the Japanese month changes', async () => {
    let now = Date.parse('2026-11-30T14:59:00Z'); // 23:59 on 30 November in Tokyo
    const usage = new MonthlyUsage(
      new Map([['sms', tiered]]),
      async () => 10,
      () => now,
    );
    await usage.start();
    usage.stop();
    expect(usage.cost('sms', 1)).toBe(6);
    now = Date.parse('2026-11-30T15:00:00Z'); // 1 December 00:00
    expect(usage.cost('sms', 1)).toBe(8);
  });
});
