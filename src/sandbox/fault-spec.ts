import { z } from 'zod';
import { MAX_DELAY_MS } from './number-settings.js';

export const FAULT_PROVIDERS = ['line', 'twilio', 'karaden', 'vonage'] as const;
export type FaultProvider = (typeof FAULT_PROVIDERS)[number];

/**
 * Faults of the provider's send endpoint (LINE `POST /bot/pnp/push`, Twilio Create Message, Karaden メッセージ送信,
 * Vonage Send an SMS):
 * - 5xx: 500 without taking the message.
 * - 429: rate limited, not taken (Vonage: 200 with status 1 "Throttled", as its SMS API answers).
 * - monthly_limit (LINE only): 429 "You have reached your monthly limit.", not taken.
 * - timeout: taken as usual (ledger and webhooks follow), but no answer ever comes.
 * - reset: the connection is reset without an answer; not taken.
 * - slow: taken and answered as usual, `delayMs` late.
 */
export const REQUEST_FAULT_KINDS = ['5xx', '429', 'monthly_limit', 'timeout', 'reset', 'slow'] as const;
export type RequestFaultKind = (typeof REQUEST_FAULT_KINDS)[number];

/**
 * Faults of the webhooks and status callbacks the emulators send, decided per accepted message:
 * - duplicate_receipts: each webhook goes twice (LINE: the second as a redelivery of the same event).
 * - reorder_receipts: Twilio `delivered` (or `undelivered`) before `sent`, Vonage the final receipt of a part
 *   before its `accepted`; LINE and Karaden (one webhook per message): held until a later message's webhook
 *   went out (at most `delayMs`).
 * - delay_receipts: each webhook goes `delayMs` after it was due; the person still got the message when due.
 */
export const RECEIPT_FAULT_KINDS = ['duplicate_receipts', 'reorder_receipts', 'delay_receipts'] as const;
export type ReceiptFaultKind = (typeof RECEIPT_FAULT_KINDS)[number];

export type FaultKind = RequestFaultKind | ReceiptFaultKind;

/** `delayMs` when not given: how late a slow answer or a delayed webhook is. */
export const DEFAULT_FAULT_DELAY_MS = 2_000;
/** `delayMs` of reorder_receipts when not given: the longest a webhook waits for a later one to overtake it. */
export const DEFAULT_REORDER_HOLD_MS = 10_000;

const KINDS_WITH_DELAY: ReadonlySet<FaultKind> = new Set(['slow', 'delay_receipts', 'reorder_receipts']);

export function isRequestFault(kind: FaultKind): kind is RequestFaultKind {
  return (REQUEST_FAULT_KINDS as readonly string[]).includes(kind);
}

/** Body of POST /__sandbox/faults; unknown keys are refused so a typo is not silently ignored. */
export const faultSpecSchema = z
  .strictObject({
    provider: z.enum(FAULT_PROVIDERS),
    kind: z.enum([...REQUEST_FAULT_KINDS, ...RECEIPT_FAULT_KINDS]),
    /** How many matching requests (or accepted messages, for receipt faults) it applies to. */
    count: z.number().int().min(1).max(1_000_000_000).optional(),
    /** The chance that it applies to each matching request while it lasts. */
    rate: z.number().min(0).max(1).optional(),
    /** It ends this long after it was added; alone (no count, no rate) it applies to every request until then. */
    durationMs: z.number().int().min(1).max(MAX_DELAY_MS).optional(),
    delayMs: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.kind === 'monthly_limit' && f.provider !== 'line') {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: 'monthly_limit is a LINE fault' });
    }
    if (f.delayMs !== undefined && !KINDS_WITH_DELAY.has(f.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['delayMs'],
        message: 'only slow, delay_receipts and reorder_receipts take a delay',
      });
    }
  });

export type FaultSpec = z.infer<typeof faultSpecSchema>;

/** A fault as listed: what was asked for, with its defaults, and how much of it is used. */
export interface ActiveFault {
  id: string;
  provider: FaultProvider;
  kind: FaultKind;
  /** Absent: no limit on how often it applies (it lasts for durationMs or until deleted). */
  count?: number;
  rate?: number;
  durationMs?: number;
  delayMs?: number;
  /** How many more times it applies, when it has a count. */
  remaining?: number;
  /** How many times it applied so far. */
  applied: number;
  createdAt: string;
  expiresAt?: string;
}
