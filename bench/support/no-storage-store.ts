import { createdResult } from '../../src/store/newly-accepted.js';
import type { NewMessage } from '../../src/store/records.js';
import type { AcceptResult, Store } from '../../src/store/store.js';

/**
 * BENCHMARK CEILING ONLY, never for serving: the real store for everything (API keys, reads), except that
 * acceptMessages resolves at once without writing anything. The API over this store shows what the HTTP layer,
 * validation and message preparation cost alone, the limit durable acceptance is measured against.
 */
export function noStorageStore(real: Store): Store {
  const acceptMessages = (messages: NewMessage[]): Promise<AcceptResult[]> =>
    Promise.resolve(messages.map(createdResult));
  return new Proxy(real, {
    get(target, property) {
      if (property === 'acceptMessages') return acceptMessages;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
