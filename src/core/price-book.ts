/**
 * What an account's billable units cost, in yen. Providers in Japan price SMS and LINE messages by monthly
 * volume: a flat price per unit, or tiers where each unit costs the price of the tier it falls in (graduated:
 * the first 100,000 units of the month at one price, the next ones at another), or — with `mode: volume` —
 * every unit of the month at the price of the tier the month's total has reached.
 */
export interface PriceTier {
  /** Last unit of the month this tier covers (inclusive); absent on the last tier (no upper bound). */
  upTo?: number;
  /** Yen per unit inside the tier. */
  unit: number;
}

export type PriceBook = { unit: number } | { tiers: readonly PriceTier[]; mode?: 'graduated' | 'volume' };

/** Checks a price book's tiers: ascending bounds, only the last one open. Returns a problem, or null. */
export function priceBookProblem(book: PriceBook): string | null {
  if ('unit' in book) return null;
  if (book.tiers.length === 0) return 'tiers must not be empty';
  let previous = 0;
  for (const [i, tier] of book.tiers.entries()) {
    const last = i === book.tiers.length - 1;
    if (tier.upTo === undefined) {
      if (!last) return `tier ${i + 1} has no upTo but is not the last tier`;
    } else if (tier.upTo <= previous) {
      return `tier ${i + 1}: upTo must be greater than ${previous}`;
    } else {
      previous = tier.upTo;
    }
    if (last && tier.upTo !== undefined)
      return 'the last tier must have no upTo (it covers every further unit)';
  }
  return null;
}

function tierAt(tiers: readonly PriceTier[], unitNumber: number): PriceTier {
  return tiers.find((t) => t.upTo === undefined || unitNumber <= t.upTo) ?? tiers[tiers.length - 1]!;
}

/**
 * Yen for `units` more units on an account that has already used `usedThisMonth` units this month. Graduated
 * tiers split the units across the tiers they fall in; volume tiers price them at the tier the new total reaches.
 */
export function costOf(book: PriceBook, usedThisMonth: number, units: number): number {
  if (units <= 0) return 0;
  if ('unit' in book) return round(units * book.unit);
  const total = usedThisMonth + units;
  if (book.mode === 'volume') return round(units * tierAt(book.tiers, total).unit);
  let yen = 0;
  let from = usedThisMonth; // units already used; the next one is number from + 1
  for (const tier of book.tiers) {
    if (from >= total) break;
    const top = Math.min(tier.upTo ?? Infinity, total);
    if (top > from) {
      yen += (top - from) * tier.unit;
      from = top;
    }
  }
  return round(yen);
}

/** Yen are quoted to hundredths (providers price SMS at e.g. ¥7.45); floating sums are cut back to that. */
function round(yen: number): number {
  return Math.round(yen * 10_000) / 10_000;
}

/** The price of one unit before any volume counts (a flat price, or the first tier's): for previews and estimates. */
export function listPrice(book: PriceBook): number {
  return 'unit' in book ? book.unit : book.tiers[0]!.unit;
}
