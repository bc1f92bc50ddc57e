/**
 * Message lifecycle (DESIGN §2). One message is one notification to one person.
 *
 * - accepted:  on disk, not yet looked at by the engine.
 * - scheduled: waiting for its `sendAt` (or a send window) before the first step.
 * - sending:   working through its route: an attempt is in flight, waiting for a receipt, or backing off.
 * Final states (never left):
 * - delivered: a channel confirmed delivery to the person.
 * - failed:    every step of the route was used up without a confirmed delivery.
 * - expired:   `expiresAt` passed before delivery; no further attempt is made.
 * - canceled:  canceled through the API before delivery; no further attempt is made.
 */
export const MESSAGE_STATUSES = [
  'accepted',
  'scheduled',
  'sending',
  'delivered',
  'failed',
  'expired',
  'canceled',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const FINAL_MESSAGE_STATUSES: readonly MessageStatus[] = [
  'delivered',
  'failed',
  'expired',
  'canceled',
];
export const ACTIVE_MESSAGE_STATUSES: readonly MessageStatus[] = ['accepted', 'scheduled', 'sending'];

const ALLOWED: Record<MessageStatus, readonly MessageStatus[]> = {
  accepted: ['scheduled', 'sending', 'delivered', 'failed', 'expired', 'canceled'],
  scheduled: ['sending', 'delivered', 'failed', 'expired', 'canceled'],
  sending: ['scheduled', 'delivered', 'failed', 'expired', 'canceled'],
  delivered: [],
  failed: [],
  expired: [],
  canceled: [],
};

export function canMessageTransition(from: MessageStatus, to: MessageStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** The states a message may be in for a move to `to` to be allowed: the guard of a compare-and-set update. */
export function messageStatusesBefore(to: MessageStatus): MessageStatus[] {
  return MESSAGE_STATUSES.filter((from) => ALLOWED[from].includes(to));
}

export function isFinalMessageStatus(status: MessageStatus): boolean {
  return FINAL_MESSAGE_STATUSES.includes(status);
}
