import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { ReceiptGrace } from '../core/route-policy.js';
import type { TodokeConfig } from '../config/config.js';
import type { Metrics } from '../observability/metrics.js';
import type { AttemptRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { Accounts } from './accounts.js';
import type { Circuits } from './circuits.js';
import type { RecentMessages } from './recent-messages.js';

/** What the engine's parts share. */
export interface EngineContext {
  store: Store;
  config: TodokeConfig;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  accounts: Accounts;
  circuits: Circuits;
  /** This engine's lease owner name. */
  owner: string;
  newId: () => string;
  random: () => number;
  /**
   * Yen for units an attempt used, from its account's price book (tiers by the account's monthly volume); null when
   * the account has no price. Counts the units toward the month.
   */
  priceUnits: (attempt: AttemptRecord, units: number) => number | null;
  /** Messages as this engine last wrote them, so the receipt that follows a send needs no read. */
  recent: RecentMessages;
  /** Set when the engine starts; see `engine.receiptGraceMs` in the config. */
  receiptGrace: ReceiptGrace;
}
