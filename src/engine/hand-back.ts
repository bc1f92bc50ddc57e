import type { MessageRecord } from '../store/records.js';
import type { Change } from '../store/store.js';

/**
 * The message change that lets go of a leased message, due again at `dueAt`, for whichever engine claims it
 * next. A compare-and-set at the version this engine last saw: if anything moved the message on since, the
 * store refuses it and the lease runs out as usual.
 */
export function handBackChange(
  message: Pick<MessageRecord, 'id' | 'version'>,
  dueAt: number,
): NonNullable<Change['message']> {
  return {
    id: message.id,
    expectVersion: message.version,
    patch: { leaseOwner: null, leaseUntil: null, nextRunAt: dueAt },
  };
}
