/**
 * One load → poll → judge → store at a time per device in this process. A device's scheduled poll, a
 * trap's two re-polls and a reboot verifier's probes can arrive together; each loads the stored state,
 * so the one that stores last would overwrite the other's judgement with one made from an older state
 * (a finding gone without a `cleared`, a reboot's persisting fault taken for cured). Later work on a
 * device waits for the earlier; devices not in common never wait for each other.
 */
export class DeviceTurns {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(ids: readonly string[], work: () => Promise<T>): Promise<T> {
    const unique = [...new Set(ids)];
    const earlier = unique.flatMap((id) => this.tails.get(id) ?? []);
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => (release = resolve));
    for (const id of unique) this.tails.set(id, mine);
    try {
      // Each tail only ever resolves (released in a finally), so waiting on it cannot throw.
      if (earlier.length > 0) await Promise.all(earlier);
      return await work();
    } finally {
      release();
      for (const id of unique) if (this.tails.get(id) === mine) this.tails.delete(id);
    }
  }

  /** Devices with work running or waiting: for tests and for a leak to show. */
  get size(): number {
    return this.tails.size;
  }
}
