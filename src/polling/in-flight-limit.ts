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

  /**
   * A slot: undefined when one was free and is now held, else a promise of the slot passed on by a
   * `release`. Not an async function: a slot taken at once (most polls) costs no promise.
   */
  acquire(): Promise<void> | undefined {
    if (this.active < this.max) {
      this.active += 1;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Gives the slot back: straight to the next waiter, so `active` only counts down when none waits. */
  release(): void {
    const next = this.head < this.waiting.length ? this.waiting[this.head++] : undefined;
    if (this.head >= 1_024 && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    if (next) next();
    else this.active -= 1;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const wait = this.acquire();
    if (wait) await wait;
    try {
      return await task();
    } finally {
      this.release();
    }
  }
}
