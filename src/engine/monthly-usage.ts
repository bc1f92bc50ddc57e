import { costOf, type PriceBook } from '../core/price-book.js';
import { startOfMonthJst } from '../core/month-start.js';

/** Reads an account's billable units recorded since an instant (every process's attempts, from the store). */
export type LoadUsedUnits = (account: string, since: number) => Promise<number>;

/** How often the counts are read again from the store, taking in what other processes used. */
const REFRESH_MS = 60_000;

interface Count {
  monthStart: number;
  units: number;
}

/**
 * Units each tiered account has used this month (JST calendar month), so an attempt's cost comes from the tier the
 * account is in. Counts are read from the store at start and every minute (other processes' attempts count too)
 * and grow locally in between; across processes a tier boundary is therefore placed to within a minute of traffic.
 */
export class MonthlyUsage {
  private readonly counts = new Map<string, Count>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly books: ReadonlyMap<string, PriceBook>,
    private readonly load: LoadUsedUnits,
    private readonly now: () => number,
  ) {}

  /** Reads every tiered account's count, then keeps reading them every minute until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => {}), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Yen for `units` more units on the account (and counts them), or null when the account has no price. */
  cost(account: string, units: number): number | null {
    return this.price(account, 0, units);
  }

  /**
   * Yen for an attempt that now has `units` units and had `previousUnits` before (a receipt may correct the count
   * the send answer gave): the difference is counted toward the month, the attempt priced as its last units.
   */
  price(account: string, previousUnits: number, units: number): number | null {
    const book = this.books.get(account);
    if (book === undefined) return null;
    if ('unit' in book) return costOf(book, 0, units);
    const count = this.current(account);
    count.units += units - previousUnits;
    return costOf(book, Math.max(0, count.units - units), units);
  }

  /** Units counted for the account this month. */
  used(account: string): number {
    return this.current(account).units;
  }

  private current(account: string): Count {
    const monthStart = startOfMonthJst(this.now());
    let count = this.counts.get(account);
    if (count === undefined || count.monthStart !== monthStart) {
      count = { monthStart, units: 0 };
      this.counts.set(account, count);
    }
    return count;
  }

  private async refresh(): Promise<void> {
    const monthStart = startOfMonthJst(this.now());
    for (const [account, book] of this.books) {
      if ('unit' in book) continue;
      const units = await this.load(account, monthStart);
      this.counts.set(account, { monthStart, units });
    }
  }
}
