import { describe, expect, it } from 'vitest';
import { maxInWindow, quantile, sustainedRate } from './stats.js';

describe('maxInWindow', () => {
  it('counts events less than a window apart together', () => {
    expect(maxInWindow([0, 10, 999, 1500], 1000)).toBe(3);
  });

  it('puts events exactly one window apart in different windows', () => {
    expect(maxInWindow([0, 1000, 2000, 3000], 1000)).toBe(1);
    expect(maxInWindow([0, 1000, 2000, 3000], 1001)).toBe(2);
  });

  it('finds the busiest window anywhere in the run', () => {
    const times = [0, 500, 5000, 5001, 5002, 5999, 6000, 9000];
    expect(maxInWindow(times, 1000)).toBe(4);
  });

  it('counts every event of a burst at one instant', () => {
    expect(maxInWindow([7, 7, 7, 7, 7], 1000)).toBe(5);
  });

  it('is zero without events', () => {
    expect(maxInWindow([], 1000)).toBe(0);
  });
});

describe('quantile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 1)).toBe(100);
  });

  it('is NaN without values', () => {
    expect(quantile([], 0.99)).toBeNaN();
  });
});

describe('sustainedRate', () => {
  it('divides the gaps by the span', () => {
    // 2,001 events 1 s apart in all: 2,000 per second.
    const times = Array.from({ length: 2001 }, (_, i) => i * 0.5);
    expect(sustainedRate(times)).toBeCloseTo(2000);
  });
});
