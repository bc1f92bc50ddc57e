import type { TodokeConfig } from '../config/config.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';

/** What contact and segment operations need (a subset of CampaignDeps). */
export interface ContactDeps {
  store: Store;
  /** Its `secret` keys the phone HMACs contacts are looked up by (the same HMAC campaigns and messages use). */
  config: TodokeConfig;
  clock: Clock;
  /** ULID factory. */
  newId: () => string;
}
