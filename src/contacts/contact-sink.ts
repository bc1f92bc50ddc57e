import type { ImportedRecipient, ImportSink, RowProblem } from '../campaigns/imported-recipient.js';
import type { ContactUpsert } from '../core/contact.js';
import { phoneHmac } from '../core/phone.js';
import { ProblemLog } from '../campaigns/problem-log.js';
import type { Store } from '../store/store.js';

/**
 * A CSV row as a contact upsert: the customer ID is the key when the row has one, else the phone; columns mapped
 * as variables become attributes (as text, as written). An empty cell changes nothing: a file that lacks a
 * value never erases one stored before.
 */
export function rowUpsert(row: ImportedRecipient, secret: string): ContactUpsert {
  const upsert: ContactUpsert = {};
  if (row.externalId !== null) upsert.externalId = row.externalId;
  if (row.phone !== null) {
    upsert.phone = row.phone;
    upsert.phoneHmac = phoneHmac(secret, row.phone);
  }
  if (row.email !== null) upsert.email = row.email;
  if (row.name !== null) upsert.name = row.name;
  if (row.lineUserId !== null) upsert.lineUserIds = [row.lineUserId];
  if (Object.keys(row.variables).length > 0) upsert.attributes = { ...row.variables };
  return upsert;
}

/**
 * Where a contacts CSV import writes: each batch of rows is one upsert batch (one transaction); a row the store
 * refuses (no key, a shared phone) becomes a row problem. Problems are stored under the import's id like a
 * campaign upload's, for the same CSV report.
 */
export class ContactSink implements ImportSink {
  readonly counts = { created: 0, updated: 0, unchanged: 0, refused: 0 };
  readonly problems: ProblemLog;

  constructor(
    private readonly store: Store,
    readonly importId: string,
    private readonly secret: string,
    private readonly newId: () => string,
    private readonly now: () => number,
  ) {
    this.problems = new ProblemLog(importId);
  }

  async addRecipients(rows: readonly ImportedRecipient[]): Promise<void> {
    const contacts = rows.map((r) => rowUpsert(r, this.secret));
    const outcomes = await this.store.contacts.upsert({
      contacts,
      newIds: contacts.map(() => this.newId()),
      now: this.now(),
    });
    const refused: RowProblem[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.result !== 'refused') {
        this.counts[outcome.result]++;
        return;
      }
      this.counts.refused++;
      const { code, messageJa, messageEn } = outcome;
      refused.push({
        rowNumber: rows[i]!.rowNumber,
        column: null,
        code,
        severity: 'error',
        messageJa,
        messageEn,
      });
    });
    if (refused.length > 0) await this.addProblems(refused);
  }

  async addProblems(problems: readonly RowProblem[]): Promise<void> {
    if (this.problems.add(problems)) await this.flush();
  }

  /** Writes the problems still buffered. */
  async flush(): Promise<void> {
    await this.store.campaigns.addProblems(this.problems.take());
  }
}
