import { describe, expect, it } from 'vitest';
import { FaultBoard } from './fault-board.js';

/** Random numbers taken from a list, so each draw is known. */
const drawing = (values: number[]) => () => values.shift() ?? 0;

describe('fault board', () => {
  it('draws each receipt fault once per message, so a rate is a rate', () => {
    // First message: duplicate loses its draw (0.9 ≥ 0.5), delay wins (0.1 < 0.5). If duplicate were drawn
    // again once delay had won, the second value of the list would decide it.
    const board = new FaultBoard(Date.now, drawing([0.9, 0.1, 0.1]));
    board.add({ provider: 'line', kind: 'duplicate_receipts', rate: 0.5 });
    board.add({ provider: 'line', kind: 'delay_receipts', rate: 0.5, delayMs: 5 });
    expect(board.receiptFaults('line', () => true)).toEqual([{ kind: 'delay_receipts', delayMs: 5 }]);
  });

  it('uses up a receipt fault only on messages it can change', () => {
    const board = new FaultBoard();
    board.add({ provider: 'twilio', kind: 'reorder_receipts' });
    expect(board.receiptFaults('twilio', (kind) => kind !== 'reorder_receipts')).toEqual([]);
    expect(board.receiptFaults('twilio', () => true)).toEqual([
      { kind: 'reorder_receipts', delayMs: 10_000 },
    ]);
    expect(board.hasReceiptFaults('twilio')).toBe(false);
  });

  it('ends a fault at its expiry without anyone asking, and lists it no more', () => {
    let now = 1_000;
    const board = new FaultBoard(() => now);
    const fault = board.add({ provider: 'line', kind: 'slow', rate: 1, durationMs: 50 });
    expect(fault).toMatchObject({ delayMs: 2000, expiresAt: new Date(1_050).toISOString() });
    expect(board.requestFault('line')).toEqual({ kind: 'slow', delayMs: 2000 });
    now = 1_050;
    expect(board.list()).toEqual([]);
    expect(board.requestFault('line')).toBeUndefined();
    expect(board.remove(fault.id)).toBe(false);
  });
});
