import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const policy = { maxAttempts: 5, initialBackoffMs: 1000, maxBackoffMs: 10_000 };

describe('backoffDelay', () => {
  it('doubles per try between half and all of the exponential delay', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 1)).toBe(1000);
    expect(backoffDelay(2, policy, () => 0)).toBe(1000);
    expect(backoffDelay(3, policy, () => 1)).toBe(4000);
  });
  it('never exceeds the cap', () => {
    expect(backoffDelay(20, policy, () => 1)).toBe(10_000);
    expect(backoffDelay(20, policy, () => 0)).toBe(5_000);
  });
});
