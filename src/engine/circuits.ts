import type { Clock } from '../core/clock.js';
import { startOfNextMonthJst } from '../core/month-start.js';

/**
 * Open circuits per provider account: while open, routes skip the account (monthly limit reached, credentials
 * refused). Held in memory: a restarted process finds out again with one request.
 */
export class Circuits {
  private readonly open = new Map<string, { until: number; code: string }>();

  constructor(
    private readonly clock: Clock,
    private readonly onChange: (account: string, open: boolean, code: string | null) => void = () => {},
  ) {}

  trip(account: string, until: number | 'month_end_jst', code: string): void {
    const at = until === 'month_end_jst' ? startOfNextMonthJst(this.clock.now()) : until;
    this.open.set(account, { until: at, code });
    this.onChange(account, true, code);
  }

  isUsable(account: string): boolean {
    const state = this.open.get(account);
    if (!state) return true;
    if (this.clock.now() < state.until) return false;
    this.open.delete(account);
    this.onChange(account, false, null);
    return true;
  }

  /** Closes a circuit by hand (an operator fixed the credentials, or a test moved the month on). */
  reset(account: string): void {
    if (this.open.delete(account)) this.onChange(account, false, null);
  }

  status(): { account: string; until: number; code: string }[] {
    return [...this.open].map(([account, s]) => ({ account, ...s }));
  }
}
