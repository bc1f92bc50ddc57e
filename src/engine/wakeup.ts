/** A sleep that ends early when woken; a wake that comes before the sleep is not lost. */
export class Wakeup {
  private woken = false;
  private resolve: (() => void) | null = null;

  wake(): void {
    this.woken = true;
    this.resolve?.();
  }

  /** Forgets earlier wakes: called when a round of work starts, since that round sees everything so far. */
  reset(): void {
    this.woken = false;
  }

  async sleep(ms: number): Promise<void> {
    if (this.woken || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.resolve = done;
    });
    this.resolve = null;
  }
}
