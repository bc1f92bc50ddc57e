import { describe, expect, it } from 'vitest';
import { PopulationDraw, toPopulation } from './population.js';
import { linePhoneHash } from './signatures.js';

const NUMBERS = Array.from({ length: 10_000 }, (_, i) => `+8150${String(i).padStart(8, '0')}`);

describe('population draw', () => {
  it('moves only the numbers at the edge of a changed share', () => {
    const before = new PopulationDraw(
      toPopulation({ line: { delivered: 0.88, not_found: 0.06, blocked: 0.04, consent_pending: 0.02 } }),
    );
    const after = new PopulationDraw(
      toPopulation({ line: { delivered: 0.85, not_found: 0.09, blocked: 0.04, consent_pending: 0.02 } }),
    );
    let moved = 0;
    for (const e164 of NUMBERS) {
      const hash = linePhoneHash(e164);
      const was = before.settingsFor(hash).line;
      const is = after.settingsFor(hash).line;
      if (was === is) continue;
      moved++;
      expect([was, is]).toEqual(['delivered', 'not_found']);
    }
    // About 3% of the numbers moved, as the share did.
    expect(moved / NUMBERS.length).toBeGreaterThan(0.02);
    expect(moved / NUMBERS.length).toBeLessThan(0.04);
  });

  it('never draws a behaviour whose share is 0, even at the very end of the range', () => {
    const draw = new PopulationDraw(toPopulation({ line: { delivered: 0.5, not_found: 0.5 } }));
    const last = 'f'.repeat(64);
    expect(draw.settingsFor(last).line).toBe('not_found');
    expect(draw.settingsFor('0'.repeat(64)).line).toBe('delivered');
  });

  it('draws LINE and SMS independently of each other', () => {
    const draw = new PopulationDraw(
      toPopulation({ line: { delivered: 0.5, not_found: 0.5 }, sms: { delivered: 0.5, failed: 0.5 } }),
    );
    const pairs = new Map<string, number>();
    for (const e164 of NUMBERS) {
      const s = draw.settingsFor(linePhoneHash(e164));
      const key = `${s.line}/${s.sms}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    expect(pairs.size).toBe(4);
    for (const count of pairs.values()) expect(Math.abs(count / NUMBERS.length - 0.25)).toBeLessThan(0.02);
  });
});
