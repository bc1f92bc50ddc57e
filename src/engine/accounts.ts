import type { AccountConfig } from '../config/config.js';
import type { ClientDeps, ProviderClient, ProviderDefinition } from '../providers/provider.js';
import { getProvider } from '../providers/registry.js';
import { intervalForLimit } from '../core/gcra.js';
import { priceBookOf } from '../config/account-price.js';
import type { PriceBook } from '../core/price-book.js';
import type { Store } from '../store/store.js';
import { AccountLimiter, type SharedRateSource } from './account-limiter.js';

/** A configured account, ready to send: its provider, a client on its own connection pool, and its limiter. */
export interface AccountRuntime {
  name: string;
  config: AccountConfig;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  provider: ProviderDefinition<any>;
  client: ProviderClient;
  limiter: AccountLimiter;
  /** What billable units (SMS parts, delivered LINE messages) cost, when the config names a price. */
  price: PriceBook | null;
}

export type Accounts = Map<string, AccountRuntime>;

/**
 * How far a shared-limit grant may run ahead of schedule, and how soon it must be used (see core/gcra.ts). The
 * spacing leaves room for both, so even requests delayed by up to SHARED_USE_WITHIN_MS between grant and arrival
 * keep every one-second window at the limit: about 94% of the limit is used (measured at the provider, a busy machine delays arrivals by tens of milliseconds). Arrival jitter, not the grant burst, is what breaks a window in practice, so the margin goes there.
 */
const SHARED_BURST_MS = 5;
const SHARED_USE_WITHIN_MS = 50;

/** A store-held rate limit (PostgreSQL) as the limiter's shared source: the limit then holds across processes. */
export function sharedRateFrom(store: Store, account: string, perSecond: number): SharedRateSource | null {
  if (!store.takeRate) return null;
  const interval = intervalForLimit(perSecond, SHARED_BURST_MS, SHARED_USE_WITHIN_MS);
  return {
    useWithinMs: SHARED_USE_WITHIN_MS,
    take: (want) => store.takeRate!(account, want, interval, SHARED_BURST_MS),
  };
}

export function createAccounts(
  configs: Record<string, AccountConfig>,
  deps: ClientDeps = {},
  store: Store | null = null,
): Accounts {
  const accounts: Accounts = new Map();
  for (const [name, config] of Object.entries(configs)) {
    const provider = getProvider(config.provider);
    if (!provider) throw new Error(`account ${name}: unknown provider ${config.provider}`);
    accounts.set(name, {
      name,
      config,
      provider,
      client: provider.createClient(config, deps),
      limiter: new AccountLimiter(
        config.rateLimit,
        config.concurrency,
        undefined,
        store ? sharedRateFrom(store, name, config.rateLimit) : null,
      ),
      price: priceBookOf(config),
    });
  }
  return accounts;
}

export async function closeAccounts(accounts: Accounts): Promise<void> {
  for (const account of accounts.values()) account.limiter.close();
  await Promise.all([...accounts.values()].map((a) => a.client.close()));
}
