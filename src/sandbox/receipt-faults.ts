import type { FaultBoard } from './fault-board.js';
import type { FaultProvider } from './fault-spec.js';
import type { NewOutboxRow } from './store.js';
import type { TwilioCallbackPayload } from './twilio-callback.js';

/** Opens once: webhooks waiting on it go out then (reorder_receipts). */
export class ReleaseGate {
  private opened = false;
  private waiting: (() => void)[] = [];

  get isOpen(): boolean {
    return this.opened;
  }

  /** Calls `release` when the gate opens; at once when it is open already. */
  wait(release: () => void): void {
    if (this.opened) release();
    else this.waiting.push(release);
  }

  open(): void {
    if (this.opened) return;
    this.opened = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const release of waiting) release();
  }
}

/**
 * What receipt faults do to one webhook job, acted on by the WebhookSender when the job first comes due. In memory
 * only: after a restart the job goes out as it would have without the fault.
 */
export interface ReceiptFaultMark {
  /** Once it went out, send it once more: LINE marks the copy as a redelivery (duplicate_receipts). */
  duplicate?: boolean;
  /** Send it this long after it came due; its ledger entry is still written when due (delay_receipts). */
  delayMs?: number;
  /** Hold it until this gate opens, for at most holdMs (reorder_receipts). */
  after?: ReleaseGate;
  holdMs?: number;
  /** Gates this job opens once its first try is over, whatever its outcome. */
  opens?: ReleaseGate[];
}

/** Whether a job must wait instead of going out as it comes due. */
export function isHeldBack(mark: ReceiptFaultMark): boolean {
  return (mark.delayMs ?? 0) > 0 || (mark.after !== undefined && !mark.after.isOpen);
}

/** A job to enqueue, with what the receipt faults did to it. */
export type MarkedJob = NewOutboxRow & { fault?: ReceiptFaultMark };

function markOf(job: MarkedJob): ReceiptFaultMark {
  job.fault ??= {};
  return job.fault;
}

/**
 * Decides, when a message is accepted, which receipt faults its webhooks meet, and marks the jobs accordingly.
 * With no receipt fault set (and no LINE webhook held back) nothing is marked and nothing is looked up.
 */
export class ReceiptFaults {
  /** Single receipts held back, per provider and account, until a later one of the account has gone out. */
  private readonly gates = new Map<string, ReleaseGate[]>();

  constructor(private readonly board: FaultBoard) {}

  /**
   * Marks the one receipt of a message (a LINE delivery event, a Karaden result) sent to `account`'s receiver.
   * reorder_receipts holds it until the account's next receipt has gone out (at most delayMs).
   */
  markSingle(provider: FaultProvider, account: string, job: MarkedJob, hasReceiver = true): void {
    if (!hasReceiver) return;
    if (this.gates.size === 0 && !this.board.hasReceiptFaults(provider)) return;
    const key = `${provider}\u0000${account}`;
    // This receipt is the "later one" that held-back receipts of the account were waiting for.
    const held = this.gates.get(key);
    if (held !== undefined) {
      markOf(job).opens = held;
      this.gates.delete(key);
    }
    for (const hit of this.board.receiptFaults(provider, () => true)) {
      const mark = markOf(job);
      if (hit.kind === 'duplicate_receipts') mark.duplicate = true;
      else if (hit.kind === 'delay_receipts') mark.delayMs = hit.delayMs;
      else {
        const gate = new ReleaseGate();
        mark.after = gate;
        mark.holdMs = hit.delayMs;
        this.gates.set(key, [gate]);
      }
    }
  }

  /**
   * Marks the receipts of a message that has several (`jobs`): duplicate and delay apply to all of them;
   * reorder_receipts sends each pair's final receipt before its earlier one (Twilio `sent`, a Vonage part's
   * `accepted`), and does not apply to a message with no earlier receipt.
   */
  markPairs(
    provider: FaultProvider,
    jobs: readonly MarkedJob[],
    pairs: readonly ReceiptPair[],
    hasReceiver: boolean,
  ): void {
    if (!hasReceiver || !this.board.hasReceiptFaults(provider)) return;
    const canReorder = pairs.some((p) => p.earlier !== null);
    const hits = this.board.receiptFaults(provider, (kind) => kind !== 'reorder_receipts' || canReorder);
    for (const hit of hits) {
      if (hit.kind === 'duplicate_receipts') for (const job of jobs) markOf(job).duplicate = true;
      else if (hit.kind === 'delay_receipts') for (const job of jobs) markOf(job).delayMs = hit.delayMs;
      else {
        for (const { earlier, final } of pairs) {
          if (earlier === null) continue;
          // The earlier receipt comes due with the final one and waits until that one has gone out.
          const gate = new ReleaseGate();
          earlier.dueAt = final.dueAt;
          Object.assign(markOf(earlier), { after: gate, holdMs: hit.delayMs });
          markOf(final).opens = [...(final.fault?.opens ?? []), gate];
        }
      }
    }
  }

  /** Marks the delivery job of one accepted LINE message to the channel with this access token. */
  markLine(channel: string, job: MarkedJob): void {
    this.markSingle('line', channel, job);
  }

  /**
   * Marks the status callbacks of one accepted Twilio message, as twilioStatusJobs planned them (`sent` first when
   * there is one, the final status last). A message sent without StatusCallback has no callbacks to disturb.
   */
  markTwilio(jobs: MarkedJob[], hasStatusCallback: boolean): void {
    const final = jobs[jobs.length - 1];
    if (final === undefined) return;
    const sent = jobs.find((j) => (j.payload as TwilioCallbackPayload).params.MessageStatus === 'sent');
    this.markPairs('twilio', jobs, [{ earlier: sent ?? null, final }], hasStatusCallback);
  }
}

/** A receipt that reorder_receipts may send after the final one it preceded. */
export interface ReceiptPair {
  earlier: MarkedJob | null;
  final: MarkedJob;
}
