import { describe, expect, it } from 'vitest';
import { BULK_HOLD_BESIDE_REALTIME, REALTIME_QUIET_MS, bulkCap } from './bulk-cap.js';

describe('bulkCap', () => {
  it('lets bulk work fill the engine when no realtime message came lately', () => {
    expect(bulkCap(512, Number.POSITIVE_INFINITY)).toBe(512);
    expect(bulkCap(512, REALTIME_QUIET_MS + 1)).toBe(512);
  });

  it('keeps bulk work small while realtime messages flow, and never above the engine cap', () => {
    expect(bulkCap(512, 0)).toBe(BULK_HOLD_BESIDE_REALTIME);
    expect(bulkCap(512, REALTIME_QUIET_MS)).toBe(BULK_HOLD_BESIDE_REALTIME);
    expect(bulkCap(20, 10)).toBe(20);
  });
});
