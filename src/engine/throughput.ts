/**
 * Messages an engine finished per second, over the last few seconds: how much work it can hold without any of it
 * waiting past its lease (Little's law: held = rate × wait).
 */
export class Throughput {
  private readonly buckets: Float64Array;
  private readonly bucketMs: number;
  private current = 0;
  private currentStart: number;
  private filled = 0;

  constructor(
    private readonly now: () => number,
    windowMs = 5_000,
    buckets = 10,
  ) {
    this.buckets = new Float64Array(buckets);
    this.bucketMs = windowMs / buckets;
    this.currentStart = now();
  }

  /** Counts finished messages. */
  add(count = 1): void {
    this.roll();
    this.buckets[this.current]! += count;
  }

  /** Finished messages per second over the complete buckets of the window; null until one bucket is complete. */
  perSecond(): number | null {
    this.roll();
    if (this.filled === 0) return null;
    let sum = 0;
    for (let i = 1; i <= this.filled; i++) {
      sum += this.buckets[(this.current - i + this.buckets.length) % this.buckets.length]!;
    }
    return (sum * 1000) / (this.filled * this.bucketMs);
  }

  private roll(): void {
    const now = this.now();
    let steps = Math.floor((now - this.currentStart) / this.bucketMs);
    if (steps <= 0) return;
    this.currentStart += steps * this.bucketMs;
    steps = Math.min(steps, this.buckets.length);
    for (let i = 0; i < steps; i++) {
      this.current = (this.current + 1) % this.buckets.length;
      this.buckets[this.current] = 0;
      this.filled = Math.min(this.buckets.length - 1, this.filled + 1);
    }
  }
}
