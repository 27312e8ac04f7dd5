import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The shipped probes with one interval, a 1 s timeout and 1 retry. The timeout is shortened under a
 * 4 s interval (VIGIL_PROBE_MIN_INTERVAL_SECONDS lets fast tests go there): a probe's timeout ×
 * (retries + 1) must be shorter than its interval. `timeoutMs` overrides it (within that rule).
 */
export function writeProbes(
  from: string,
  to: string,
  intervalSeconds: number,
  options: { timeoutMs?: number } = {},
): void {
  const timeoutMs = options.timeoutMs ?? Math.min(1_000, Math.floor((intervalSeconds * 1000) / 4));
  mkdirSync(to);
  for (const name of readdirSync(from)) {
    if (!name.endsWith('.yaml') && !name.endsWith('.yml')) continue;
    const text = readFileSync(join(from, name), 'utf8')
      .replace(/^interval: .*$/m, `interval: ${intervalSeconds}s`)
      .replace(/^timeout: .*$/m, timeoutMs === 1_000 ? 'timeout: 1s' : `timeout: ${timeoutMs}ms`)
      .replace(/^retries: .*$/m, 'retries: 1');
    writeFileSync(join(to, name), text);
  }
}
