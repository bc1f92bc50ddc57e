import type { StoredReceipt } from './records.js';

interface Claim {
  owner: string;
  until: number;
}

/**
 * Who holds which pending receipt, for a store that one process owns (SQLite): the claims live in that process's
 * memory, and a crash forgets them together with every engine that held one. See Store.claimReceipts.
 */
export class ReceiptClaims {
  private readonly claims = new Map<number, Claim>();

  /**
   * Claims up to `limit` of the pending receipts for `owner`. `pending(n)` reads the first `n` unapplied receipts,
   * oldest first; it is asked for enough to find `limit` that no other owner holds.
   */
  take(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
    pending: (n: number) => StoredReceipt[],
  ): StoredReceipt[] {
    let heldByOthers = 0;
    for (const [seq, claim] of this.claims) {
      if (claim.until <= now) this.claims.delete(seq);
      else if (claim.owner !== owner) heldByOthers++;
    }
    const claimed: StoredReceipt[] = [];
    for (const receipt of pending(limit + heldByOthers)) {
      const claim = this.claims.get(receipt.seq);
      if (claim && claim.owner !== owner) continue;
      this.claims.set(receipt.seq, { owner, until: now + leaseMs });
      claimed.push(receipt);
      if (claimed.length === limit) break;
    }
    return claimed;
  }

  /** The receipts were applied: nobody holds them any more. */
  release(seqs: readonly number[]): void {
    for (const seq of seqs) this.claims.delete(seq);
  }

  get size(): number {
    return this.claims.size;
  }
}
