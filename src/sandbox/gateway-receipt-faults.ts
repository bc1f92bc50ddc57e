import type { FaultBoard } from './fault-board.js';
import { ReleaseGate, type MarkedJob, type ReceiptFaultMark } from './receipt-faults.js';

/** The receipts of one Vonage message part: `accepted` when it left for the carrier, then its final status. */
export interface VonagePartJobs {
  accepted: MarkedJob | null;
  final: MarkedJob;
}

function markOf(job: MarkedJob): ReceiptFaultMark {
  job.fault ??= {};
  return job.fault;
}

/**
 * Receipt faults for the SMS gateways' emulators, decided when a message is taken, as ReceiptFaults does for LINE
 * and Twilio. A message whose receipts go nowhere (no callback URL) does not use a fault up.
 */
export class GatewayReceiptFaults {
  /** Karaden callbacks held back, per account, until a later callback of the account has gone out. */
  private readonly karadenGates = new Map<string, ReleaseGate[]>();

  constructor(private readonly board: FaultBoard) {}

  /**
   * Marks the one result callback of a Karaden message. With one callback per message, reorder_receipts holds it
   * until the account's next callback has gone out (at most delayMs), as for LINE.
   */
  markKaraden(token: string, job: MarkedJob, hasCallback: boolean): void {
    if (!hasCallback) return;
    if (this.karadenGates.size === 0 && !this.board.hasReceiptFaults('karaden')) return;
    const held = this.karadenGates.get(token);
    if (held !== undefined) {
      markOf(job).opens = held;
      this.karadenGates.delete(token);
    }
    for (const hit of this.board.receiptFaults('karaden', () => true)) {
      const mark = markOf(job);
      if (hit.kind === 'duplicate_receipts') mark.duplicate = true;
      else if (hit.kind === 'delay_receipts') mark.delayMs = hit.delayMs;
      else {
        const gate = new ReleaseGate();
        mark.after = gate;
        mark.holdMs = hit.delayMs;
        this.karadenGates.set(token, [gate]);
      }
    }
  }

  /**
   * Marks the delivery receipts of a Vonage message, part by part. reorder_receipts sends each part's final
   * receipt before its `accepted`; it does not apply to a message that never left (no `accepted`).
   */
  markVonage(parts: readonly VonagePartJobs[], hasCallback: boolean): void {
    if (!hasCallback || !this.board.hasReceiptFaults('vonage')) return;
    const hasAccepted = parts.some((p) => p.accepted !== null);
    const hits = this.board.receiptFaults('vonage', (kind) => kind !== 'reorder_receipts' || hasAccepted);
    const all = parts.flatMap((p) => (p.accepted === null ? [p.final] : [p.accepted, p.final]));
    for (const hit of hits) {
      if (hit.kind === 'duplicate_receipts') for (const job of all) markOf(job).duplicate = true;
      else if (hit.kind === 'delay_receipts') for (const job of all) markOf(job).delayMs = hit.delayMs;
      else {
        for (const { accepted, final } of parts) {
          if (accepted === null) continue;
          // `accepted` comes due with the final receipt and waits until that one has gone out.
          const gate = new ReleaseGate();
          accepted.dueAt = final.dueAt;
          Object.assign(markOf(accepted), { after: gate, holdMs: hit.delayMs });
          markOf(final).opens = [...(final.fault?.opens ?? []), gate];
        }
      }
    }
  }
}
