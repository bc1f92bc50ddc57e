import type { Decision } from '../core/decision.js';
import type { AttemptRecord, MessageRecord } from '../store/records.js';
import type { Change, MessagePatch } from '../store/store.js';

export interface ToChangeOptions {
  now: number;
  /** Extra fields for the message (lease handling). */
  messagePatch?: MessagePatch;
  /** Yen for an attempt whose units the decision sets (null: its account has no price). */
  priceUnits: (attempt: AttemptRecord, units: number) => number | null;
  /** Each attempt the decision touches, as it stood before. */
  attemptOf: (attemptId: string) => AttemptRecord | undefined;
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
        const attempt = o.attemptOf(a.id);
        const cost = attempt ? o.priceUnits(attempt, a.patch.units) : null;
        if (cost !== null) attemptPatch.cost = cost;
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
