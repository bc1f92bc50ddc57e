import type { StoredRowProblem } from '../store/campaign-records.js';
import type { RowProblem } from './imported-recipient.js';

/** Problems kept in memory to answer the import with; the rest are in the store. */
const FIRST_PROBLEMS = 100;
/** Problems written to the store at once. */
const PROBLEM_BATCH = 1_000;

/**
 * The row problems of one import (a campaign upload or a contacts import): counted by severity and code, the first
 * ones kept for the answer, and every one numbered under the import's id and buffered for the store.
 */
export class ProblemLog {
  private buffered: StoredRowProblem[] = [];
  private seq = 0;
  readonly counts = { errors: 0, warnings: 0, problemCodes: {} as Record<string, number> };
  readonly first: RowProblem[] = [];

  constructor(private readonly importId: string) {}

  /** Records problems; true when enough are buffered to write a batch (`take`). */
  add(problems: readonly RowProblem[]): boolean {
    for (const p of problems) {
      this.buffered.push({
        importId: this.importId,
        seq: this.seq++,
        rowNumber: p.rowNumber,
        column: p.column,
        code: p.code,
        severity: p.severity,
        messageJa: p.messageJa,
        messageEn: p.messageEn,
        value: p.value ?? null,
      });
      if (p.severity === 'error') this.counts.errors++;
      else this.counts.warnings++;
      this.counts.problemCodes[p.code] = (this.counts.problemCodes[p.code] ?? 0) + 1;
      if (this.first.length < FIRST_PROBLEMS) this.first.push(p);
    }
    return this.buffered.length >= PROBLEM_BATCH;
  }

  /** Hands over the buffered problems, to be written. */
  take(): StoredRowProblem[] {
    const batch = this.buffered;
    this.buffered = [];
    return batch;
  }
}
