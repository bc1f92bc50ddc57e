import { describe, expect, it } from 'vitest';
import { Circuits } from './circuits.js';

describe('Circuits', () => {
  it('keeps a LINE monthly-limit circuit open until the Japanese month ends, then closes it', () => {
    let now = Date.parse('2026-11-30T14:00:00Z'); // 23:00 on 30 November in Tokyo
    const changes: [string, boolean][] = [];
    const circuits = new Circuits({ now: () => now }, (account, open) => changes.push([account, open]));
    circuits.trip('line-main', 'month_end_jst', 'line_monthly_limit');
    expect(circuits.isUsable('line-main')).toBe(false);
    expect(circuits.isUsable('twilio')).toBe(true);
    now = Date.parse('2026-11-30T14:59:59Z'); // 23:59:59 in Tokyo: still November
    expect(circuits.isUsable('line-main')).toBe(false);
    now = Date.parse('2026-11-30T15:00:00Z'); // 1 December 00:00 in Tokyo: the limit is reset
    expect(circuits.isUsable('line-main')).toBe(true);
    expect(circuits.status()).toEqual([]);
    expect(changes).toEqual([
      ['line-main', true],
      ['line-main', false],
    ]);
  });

  it('keeps a circuit with a time of its own until then, and closes one by hand', () => {
    let now = 1_000;
    const circuits = new Circuits({ now: () => now });
    circuits.trip('twilio', 61_000, 'twilio_20003');
    expect(circuits.status()).toEqual([{ account: 'twilio', until: 61_000, code: 'twilio_20003' }]);
    now = 60_999;
    expect(circuits.isUsable('twilio')).toBe(false);
    circuits.reset('twilio');
    expect(circuits.isUsable('twilio')).toBe(true);
  });
});
