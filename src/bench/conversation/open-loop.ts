/**
 * Calls `start(i)` for i = 0 … total − 1 at `rate` a second on a fixed schedule (open-loop: a slow
 * answer delays no later request), and resolves once all are sent with the send time in seconds and
 * how late the scheduler was at worst, ms (the load generator's own lag).
 */
export async function sendOpenLoop(
  total: number,
  rate: number,
  start: (i: number) => void,
): Promise<{ sendSeconds: number; lagMaxMs: number }> {
  let lagMaxMs = 0;
  const first = performance.now() + 20;
  const due = (i: number): number => first + (i * 1000) / rate;
  await new Promise<void>((resolve) => {
    let i = 0;
    const tick = (): void => {
      const now = performance.now();
      while (i < total && due(i) <= now) {
        lagMaxMs = Math.max(lagMaxMs, now - due(i));
        start(i);
        i += 1;
      }
      if (i >= total) resolve();
      else setTimeout(tick, Math.max(0, due(i) - performance.now()));
    };
    tick();
  });
  return { sendSeconds: (performance.now() - first) / 1000, lagMaxMs };
}
