import { describe, expect, it } from 'vitest';
import type { StoredReceipt } from './records.js';
import { ReceiptClaims } from './receipt-claims.js';

function pendingOf(seqs: number[]) {
  const asked: number[] = [];
  const pending = (n: number) => {
    asked.push(n);
    return seqs.slice(0, n).map((seq) => ({ seq, eventId: `ev-${seq}` }) as StoredReceipt);
  };
  return { pending, asked };
}

describe('ReceiptClaims', () => {
  it('reads past the receipts other owners hold to fill the limit', () => {
    const claims = new ReceiptClaims();
    const { pending, asked } = pendingOf([1, 2, 3, 4]);
    expect(claims.take('a', 0, 1_000, 2, pending).map((r) => r.seq)).toEqual([1, 2]);
    expect(claims.take('b', 0, 1_000, 1, pending).map((r) => r.seq)).toEqual([3]);
    expect(asked).toEqual([2, 3]);
  });

  it('forgets claims that ended and claims that were released', () => {
    const claims = new ReceiptClaims();
    claims.take('a', 0, 1_000, 3, pendingOf([1, 2, 3]).pending);
    // 2 was applied: no longer pending, and its claim is released.
    claims.release([2]);
    expect(claims.size).toBe(2);
    const { pending } = pendingOf([1, 3]);
    expect(claims.take('b', 500, 1_000, 3, pending)).toEqual([]);
    expect(claims.take('b', 1_000, 1_000, 3, pending).map((r) => r.seq)).toEqual([1, 3]);
    expect(claims.size).toBe(2);
  });
});
