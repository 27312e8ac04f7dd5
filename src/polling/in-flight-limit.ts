/**
 * A cap on the polls in flight across every batch a process runs at once: batches overlap (one's
 * Redis reads and writes while another's requests are out) without the process asking more devices
 * at a time than it was told to.
 */
export class InFlightLimit {
  private active = 0;
  /** A queue read from `head`: `shift` copies the array, and a cold cycle queues thousands of walks. */
  private waiting: (() => void)[] = [];
  private head = 0;

  constructor(readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` only counts down when none waits.
      const next = this.head < this.waiting.length ? this.waiting[this.head++] : undefined;
      if (this.head >= 1_024 && this.head * 2 >= this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      if (next) next();
      else this.active -= 1;
    }
  }
}
