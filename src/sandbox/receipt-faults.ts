import type { FaultBoard } from './fault-board.js';
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
  /** LINE webhooks held back, per channel, until a later webhook of the channel has gone out. */
  private readonly lineGates = new Map<string, ReleaseGate[]>();

  constructor(private readonly board: FaultBoard) {}

  /** Marks the delivery job of one accepted LINE message to the channel with this access token. */
  markLine(channel: string, job: MarkedJob): void {
    if (this.lineGates.size === 0 && !this.board.hasReceiptFaults('line')) return;
    // This webhook is the "later one" that held-back webhooks of the channel were waiting for.
    const held = this.lineGates.get(channel);
    if (held !== undefined) {
      markOf(job).opens = held;
      this.lineGates.delete(channel);
    }
    for (const hit of this.board.receiptFaults('line', () => true)) {
      const mark = markOf(job);
      if (hit.kind === 'duplicate_receipts') mark.duplicate = true;
      else if (hit.kind === 'delay_receipts') mark.delayMs = hit.delayMs;
      else {
        const gate = new ReleaseGate();
        mark.after = gate;
        mark.holdMs = hit.delayMs;
        this.lineGates.set(channel, [gate]);
      }
    }
  }

  /**
   * Marks the status callbacks of one accepted Twilio message, as twilioStatusJobs planned them (`sent` first when
   * there is one, the final status last). A message sent without StatusCallback has no callbacks to disturb.
   */
  markTwilio(jobs: MarkedJob[], hasStatusCallback: boolean): void {
    if (!hasStatusCallback || !this.board.hasReceiptFaults('twilio')) return;
    const sent = jobs.find((j) => (j.payload as TwilioCallbackPayload).params.MessageStatus === 'sent');
    const final = jobs[jobs.length - 1];
    if (final === undefined) return;
    const hits = this.board.receiptFaults(
      'twilio',
      (kind) => kind !== 'reorder_receipts' || sent !== undefined,
    );
    for (const hit of hits) {
      if (hit.kind === 'duplicate_receipts') for (const job of jobs) markOf(job).duplicate = true;
      else if (hit.kind === 'delay_receipts') for (const job of jobs) markOf(job).delayMs = hit.delayMs;
      else if (sent !== undefined) {
        // `sent` comes due with the final status and waits until that one has gone out.
        const gate = new ReleaseGate();
        sent.dueAt = final.dueAt;
        Object.assign(markOf(sent), { after: gate, holdMs: hit.delayMs });
        markOf(final).opens = [gate];
      }
    }
  }
}
