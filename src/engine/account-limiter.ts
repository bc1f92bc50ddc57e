import type { Priority } from '../store/records.js';

/** A hair over one second, so jitter between our clock and the provider's never makes a window hold one too many. */
const WINDOW_MS = 1002;

export class LimiterClosedError extends Error {
  constructor() {
    super('the engine is stopping');
  }
}

/** A rate limit held outside this process (shared by every engine of a cluster). */
export interface SharedRateSource {
  /** Up to `want` requests allowed across the cluster right now; when none, how long to wait. */
  take(want: number): Promise<{ granted: number; retryAfterMs: number }>;
  /** How soon granted requests must start: they were counted at grant time. */
  readonly useWithinMs: number;
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
}

/**
 * Per-account admission: at most `concurrency` requests in flight, and at most `ratePerSecond` requests in any
 * one-second window (a sliding log of the last grants, so no window ever exceeds the provider's limit), paced so
 * grants spread over the second instead of bursting at its start. Realtime waiters are served before bulk ones.
 */
export class AccountLimiter {
  private readonly window: Float64Array;
  private cursor = 0;
  private readonly intervalMs: number;
  private nextPaced = 0;
  private inFlight = 0;
  private readonly queues: Record<Priority, Waiter[]> = { realtime: [], bulk: [] };
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private sharedTokens = 0;
  private sharedExpireAt = 0;
  private asking = false;

  constructor(
    ratePerSecond: number,
    private readonly concurrency: number,
    private readonly now: () => number = () => performance.now(),
    /** With several engines, the cluster-wide limit; this limiter then also holds the local pacing. */
    private readonly shared: SharedRateSource | null = null,
  ) {
    const perWindow = Math.max(1, Math.floor(ratePerSecond));
    this.window = new Float64Array(perWindow).fill(-Infinity);
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Resolves with a release function once a request may start. */
  acquire(priority: Priority): Promise<() => void> {
    if (this.closed) return Promise.reject(new LimiterClosedError());
    return new Promise((resolve, reject) => {
      this.queues[priority].push({ resolve, reject });
      this.pump();
    });
  }

  get waiting(): number {
    return this.queues.realtime.length + this.queues.bulk.length;
  }

  /** Rejects every waiter; used when the engine stops. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const queue of Object.values(this.queues))
      for (const w of queue.splice(0)) w.reject(new LimiterClosedError());
  }

  private askShared(): void {
    if (this.asking || this.closed) return;
    this.asking = true;
    const retry = (ms: number) => {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, ms);
    };
    this.shared!.take(Math.min(this.waiting, 64)).then(
      ({ granted, retryAfterMs }) => {
        this.asking = false;
        if (this.closed) return;
        if (granted > 0) {
          this.sharedTokens = granted;
          this.sharedExpireAt = this.now() + this.shared!.useWithinMs;
          this.pump();
        } else retry(Math.max(1, retryAfterMs));
      },
      () => {
        // The shared limit cannot be reached: send nothing rather than risk exceeding it.
        this.asking = false;
        if (!this.closed) retry(100);
      },
    );
  }

  private pump(): void {
    if (this.timer || this.asking) return;
    for (;;) {
      const queue = this.queues.realtime.length > 0 ? this.queues.realtime : this.queues.bulk;
      if (queue.length === 0 || this.inFlight >= this.concurrency) return;
      const now = this.now();
      const windowFreeAt = this.window[this.cursor]! + WINDOW_MS;
      // Pacing allows a small catch-up burst (10 ms worth) so timer granularity does not cost throughput.
      const pacedAt = this.nextPaced - 10;
      const at = Math.max(windowFreeAt, pacedAt);
      if (at > now) {
        this.timer = setTimeout(
          () => {
            this.timer = null;
            this.pump();
          },
          Math.max(1, Math.ceil(at - now)),
        );
        return;
      }
      if (this.shared) {
        if (now > this.sharedExpireAt) this.sharedTokens = 0;
        if (this.sharedTokens === 0) {
          this.askShared();
          return;
        }
        this.sharedTokens -= 1;
      }
      this.window[this.cursor] = now;
      this.cursor = (this.cursor + 1) % this.window.length;
      this.nextPaced = Math.max(this.nextPaced, now - 10) + this.intervalMs;
      this.inFlight += 1;
      const waiter = queue.shift()!;
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.pump();
      });
    }
  }
}
