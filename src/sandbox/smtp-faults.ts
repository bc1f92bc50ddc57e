import { z } from 'zod';

/**
 * Request faults of the SMTP emulator, each for the next `count` transactions (default 1):
 * - 421: MAIL FROM gets `421 4.7.0` and the connection is closed. Not taken.
 * - reset: the connection is cut at MAIL FROM, without a reply. Not taken.
 * - spam_rejected: the message gets `554 5.7.1` after its end. Not taken.
 * - slow: the `250` after the message comes `delayMs` late (default 2000). Taken.
 * - drop_after_data: the message is read in full, then the connection is cut without a reply. Taken: the
 *   ledger has it, and the client cannot know.
 */
export const SMTP_FAULT_KINDS = ['421', 'reset', 'spam_rejected', 'slow', 'drop_after_data'] as const;
export type SmtpFaultKind = (typeof SMTP_FAULT_KINDS)[number];

/** Body of a control route that adds a fault; unknown keys are refused. */
export const smtpFaultSchema = z.strictObject({
  kind: z.enum(SMTP_FAULT_KINDS),
  count: z.number().int().min(1).max(1_000_000).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});
export type SmtpFault = z.infer<typeof smtpFaultSchema>;

/** Kinds met at MAIL FROM; the others are met once the message has arrived. */
const AT_MAIL_FROM: ReadonlySet<SmtpFaultKind> = new Set(['421', 'reset']);

/** Faults in force, oldest first. In memory: a restart ends them. */
export class SmtpFaultQueue {
  private readonly faults: Array<Required<SmtpFault>> = [];

  add(fault: SmtpFault): void {
    const parsed = smtpFaultSchema.parse(fault);
    this.faults.push({ kind: parsed.kind, count: parsed.count ?? 1, delayMs: parsed.delayMs ?? 2000 });
  }

  clear(): void {
    this.faults.splice(0);
  }

  /** The oldest fault of the stage, used up once. */
  take(stage: 'mail_from' | 'end_of_data'): Required<SmtpFault> | null {
    const fault = this.faults.find((f) => AT_MAIL_FROM.has(f.kind) === (stage === 'mail_from'));
    if (fault === undefined) return null;
    if (--fault.count <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }
}
