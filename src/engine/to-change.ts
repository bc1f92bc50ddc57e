import type { Decision } from '../core/decision.js';
import type { MessageRecord } from '../store/records.js';
import type { Change, MessagePatch } from '../store/store.js';

export interface ToChangeOptions {
  now: number;
  /** Extra fields for the message (lease handling). */
  messagePatch?: MessagePatch;
  /** Yen per unit for an account, to price attempts whose units the decision sets. */
  unitPrice: (account: string) => number | null;
  /** The account of each attempt the decision touches. */
  accountOf: (attemptId: string) => string | undefined;
  /** Write the message update even when the decision has nothing for it (to bump its version). */
  touchMessage?: boolean;
}

/** Translates a pure decision about `message` into one guarded store change. */
export function toChange(message: MessageRecord, d: Decision, o: ToChangeOptions): Change {
  const patch: MessagePatch = { ...d.message, ...o.messagePatch };
  const change: Change = {
    attempts: d.attempts.map((a) => {
      const attemptPatch = { ...a.patch } as Record<string, unknown>;
      if (a.patch.units != null) {
        const account = o.accountOf(a.id);
        const price = account ? o.unitPrice(account) : null;
        if (price !== null) attemptPatch.cost = a.patch.units * price;
      }
      return a.to ? { id: a.id, to: a.to, patch: attemptPatch } : { id: a.id, patch: attemptPatch };
    }),
    events: d.events.map((e) => ({
      messageId: message.id,
      attemptId: e.attemptId,
      type: e.type,
      data: e.data,
      at: o.now,
    })),
    reachability: message.phoneHmac
      ? d.reachability.map((r) => ({
          phoneHmac: message.phoneHmac!,
          channel: r.channel,
          outcome: r.outcome,
          code: r.code,
          at: o.now,
        }))
      : [],
  };
  if (message.priority === 'realtime') change.urgent = true;
  if (Object.keys(patch).length > 0 || o.touchMessage) {
    change.message = { id: message.id, expectVersion: message.version, patch };
  }
  return change;
}

/** The message as it is after `change` committed, without reading it back. */
export function afterChange(message: MessageRecord, change: Change, now: number): MessageRecord {
  if (!change.message) return message;
  return { ...message, ...change.message.patch, version: message.version + 1, updatedAt: now };
}
