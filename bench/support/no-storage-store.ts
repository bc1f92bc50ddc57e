import type { MessageRecord, NewMessage } from '../../src/store/records.js';
import type { AcceptResult, Store } from '../../src/store/store.js';

/**
 * What the store would hand back for a message it had just stored. Object.assign, not `{ ...m, status, … }`:
 * on Node 20 a spread followed by a dozen new keys costs ~24 µs per object, which would lower the ceiling.
 */
function asStored(m: NewMessage): MessageRecord {
  return Object.assign({}, m, {
    status: 'accepted' as const,
    stepIndex: 0,
    accountIndex: 0,
    stepTries: 0,
    nextRunAt: m.sendAt ?? m.createdAt,
    leaseOwner: null,
    leaseUntil: null,
    deliveredVia: null,
    deliveredAt: null,
    finalReason: null,
    lateDelivery: false,
    version: 0,
    updatedAt: m.createdAt,
  });
}

/**
 * BENCHMARK CEILING ONLY, never for serving: the real store for everything (API keys, reads), except that
 * acceptMessages resolves at once without writing anything. The API over this store shows what the HTTP layer,
 * validation and message preparation cost alone, the limit durable acceptance is measured against.
 */
export function noStorageStore(real: Store): Store {
  const acceptMessages = (messages: NewMessage[]): Promise<AcceptResult[]> =>
    Promise.resolve(messages.map((m) => ({ result: 'created', message: asStored(m) })));
  return new Proxy(real, {
    get(target, property) {
      if (property === 'acceptMessages') return acceptMessages;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
