/**
 * Collects items added in the same tick (up to `maxBatch`) and hands them to `flush` in one call,
 * so that N concurrent sends or completions cost one round trip instead of N. `flush` returns
 * one result per item, in order. Batches do not wait for each other: under load several are in
 * flight at once, bounded by the caller's connection pool.
 */
export class MicroBatcher<TItem, TResult> {
  private queue: { item: TItem; resolve: (result: TResult) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly flush: (items: TItem[]) => Promise<TResult[]>,
    private readonly maxBatch = 64,
  ) {}

  add(item: TItem): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.drainQueue());
      }
    });
  }

  /** Resolves when everything added so far has been flushed. */
  async settled(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      if (this.queue.length > 0 && !this.scheduled) this.drainQueue();
      await Promise.allSettled([...this.inFlight]);
      if (this.queue.length > 0) await new Promise((done) => setImmediate(done));
    }
  }

  private drainQueue(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const run = this.flush(batch.map((entry) => entry.item)).then(
        (results) => batch.forEach((entry, index) => entry.resolve(results[index])),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      );
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }
  }
}
