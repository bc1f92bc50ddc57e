interface Pending<T, R> {
  items: T[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Calls made during one turn of the event loop share one round trip: their items are concatenated into one
 * `run` and the results (one per item, in order) are handed back to each caller. If the shared run fails, each
 * call is retried alone, so one bad call fails alone and the others still succeed.
 */
export class CallBatcher<T, R> {
  private queue: Pending<T, R>[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly run: (items: T[]) => Promise<R[]>) {}

  submit(items: T[]): Promise<R[]> {
    return new Promise<R[]>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Starts everything queued and resolves once every call started so far has settled. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all(this.inFlight);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const done = this.runBatch(batch).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async runBatch(batch: Pending<T, R>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const results = await this.run(batch.flatMap((call) => call.items));
        let offset = 0;
        for (const call of batch) {
          call.resolve(results.slice(offset, offset + call.items.length));
          offset += call.items.length;
        }
        return;
      } catch {
        // Fall through: find out which call failed by running each alone.
      }
    }
    await Promise.all(
      batch.map(async (call) => {
        try {
          call.resolve(await this.run(call.items));
        } catch (error) {
          call.reject(error);
        }
      }),
    );
  }
}
