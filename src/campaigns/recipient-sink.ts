import { phoneHmac } from '../core/phone.js';
import { addressHmac } from '../core/suppression.js';
import type { CampaignRecipientRecord } from '../store/campaign-records.js';
import type { CampaignStore } from '../store/campaign-store.js';
import type { ImportedRecipient, ImportSink, RowProblem } from './imported-recipient.js';
import { ProblemLog } from './problem-log.js';

/** Recipients are written in batches this big: one transaction (SQLite) or one statement (PostgreSQL) each. */
const RECIPIENT_BATCH = 5_000;

/** The key that recognises the same person twice: the phone, else the LINE user ID, else the e-mail (HMACs). */
export function addressKeyOf(secret: string, r: ImportedRecipient): string | null {
  if (r.phone !== null) return phoneHmac(secret, r.phone);
  if (r.lineUserId !== null) return addressHmac(secret, 'lineUserId', r.lineUserId);
  if (r.email !== null) return addressHmac(secret, 'email', r.email);
  return null;
}

/**
 * Where an upload writes: recipients and problems go to the store under the import's own id, in big batches.
 * Nothing written here is seen by the campaign until the import completes and the campaign is pointed at it.
 */
export class RecipientSink implements ImportSink {
  private recipients: CampaignRecipientRecord[] = [];
  private inFlight: Promise<void> | null = null;
  private failure: unknown = undefined;
  readonly counts = { recipients: 0 };
  readonly problems: ProblemLog;

  constructor(
    private readonly store: CampaignStore,
    readonly importId: string,
    private readonly secret: string,
  ) {
    this.problems = new ProblemLog(importId);
  }

  async addRecipients(rows: readonly ImportedRecipient[]): Promise<void> {
    for (const r of rows) {
      const hmac = r.phone === null ? null : phoneHmac(this.secret, r.phone);
      this.recipients.push({
        importId: this.importId,
        rowNumber: r.rowNumber,
        phone: r.phone,
        phoneHmac: hmac,
        lineUserId: r.lineUserId,
        email: r.email,
        externalId: r.externalId,
        name: r.name,
        variables: r.variables,
        addressKey: hmac ?? addressKeyOf(this.secret, r),
        state: 'pending',
        reason: null,
        messageId: null,
      });
    }
    this.counts.recipients += rows.length;
    if (this.recipients.length >= RECIPIENT_BATCH) await this.flushRecipients();
  }

  async addProblems(problems: readonly RowProblem[]): Promise<void> {
    if (this.problems.add(problems)) await this.flushProblems();
  }

  /** Writes whatever is still buffered, and waits until every write is done. */
  async flush(): Promise<void> {
    await this.flushRecipients();
    await this.flushProblems();
    await this.settle();
  }

  /**
   * One write at a time is left running while the file is read on: reading the next rows and committing the last
   * ones overlap (the store commits on a thread of its own), and memory holds at most two batches.
   */
  private async flushRecipients(): Promise<void> {
    const batch = this.recipients;
    this.recipients = [];
    await this.settle();
    this.inFlight = this.store.addRecipients(batch).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  private async flushProblems(): Promise<void> {
    const batch = this.problems.take();
    await this.settle();
    await this.store.addProblems(batch);
  }

  /** Waits for the write left running; a failed one fails the import here. */
  private async settle(): Promise<void> {
    await this.inFlight;
    this.inFlight = null;
    if (this.failure !== undefined) throw this.failure;
  }
}
