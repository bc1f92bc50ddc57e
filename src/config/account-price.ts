import { listPrice, type PriceBook } from '../core/price-book.js';
import type { AccountConfig } from './config.js';

/** The account's price book, as the config (validated when it was read) gives it; null without a price. */
export function priceBookOf(account: AccountConfig | undefined): PriceBook | null {
  return (account?.price as PriceBook | undefined) ?? null;
}

/** Yen per unit before volume counts (the flat price or the first tier's): for previews and estimates. */
export function listPriceOf(account: AccountConfig | undefined): number | null {
  const book = priceBookOf(account);
  return book === null ? null : listPrice(book);
}
