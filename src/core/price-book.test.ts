import { describe, expect, it } from 'vitest';
import { costOf, priceBookProblem, type PriceBook } from './price-book.js';

const graduated: PriceBook = {
  tiers: [{ upTo: 100, unit: 8 }, { upTo: 1_000, unit: 7 }, { unit: 6 }],
};

describe('price book', () => {
  it('prices a flat book per unit', () => {
    expect(costOf({ unit: 3 }, 1_000_000, 2)).toBe(6);
    expect(costOf({ unit: 7.45 }, 0, 3)).toBe(22.35);
  });

  it('prices graduated tiers by the tier each unit falls in', () => {
    expect(costOf(graduated, 0, 1)).toBe(8);
    expect(costOf(graduated, 99, 1)).toBe(8); // unit 100 is the last of the first tier
    expect(costOf(graduated, 100, 1)).toBe(7);
    expect(costOf(graduated, 99, 3)).toBe(8 + 7 + 7);
    expect(costOf(graduated, 999, 2)).toBe(7 + 6);
    expect(costOf(graduated, 5_000, 4)).toBe(24);
    // A whole month priced at once equals the sum of its units priced one by one.
    let oneByOne = 0;
    for (let used = 0; used < 1_200; used++) oneByOne += costOf(graduated, used, 1);
    expect(costOf(graduated, 0, 1_200)).toBe(oneByOne);
    expect(oneByOne).toBe(100 * 8 + 900 * 7 + 200 * 6);
  });

  it('prices volume tiers at the tier the month total reaches', () => {
    const volume: PriceBook = { ...graduated, mode: 'volume' };
    expect(costOf(volume, 0, 2)).toBe(16);
    expect(costOf(volume, 99, 2)).toBe(14);
    expect(costOf(volume, 5_000, 1)).toBe(6);
  });

  it('costs nothing for no units', () => {
    expect(costOf(graduated, 10, 0)).toBe(0);
  });

  it('refuses tiers that are out of order or not closed by an open last tier', () => {
    expect(priceBookProblem(graduated)).toBeNull();
    expect(priceBookProblem({ tiers: [] })).toMatch(/empty/);
    expect(priceBookProblem({ tiers: [{ upTo: 10, unit: 1 }, { upTo: 5, unit: 1 }, { unit: 1 }] })).toMatch(
      /tier 2/,
    );
    expect(priceBookProblem({ tiers: [{ unit: 1 }, { unit: 2 }] })).toMatch(/tier 1 has no upTo/);
    expect(priceBookProblem({ tiers: [{ upTo: 10, unit: 1 }] })).toMatch(/last tier/);
  });
});
