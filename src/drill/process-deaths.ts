import { setTimeout as sleep } from 'node:timers/promises';
import type { DrillStack } from './drill-stack.js';

/** One `vigil serve` process found dead, and when the drill saw it (polled every 25 ms). */
export interface Death {
  name: string;
  at: number;
}

/** The first of `names` to exit within `timeoutMs`, or undefined: a failpoint that never fired. */
export async function firstDeath(
  stack: DrillStack,
  names: readonly string[],
  timeoutMs: number,
): Promise<Death | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = names.find((name) => stack.serve.get(name)?.running === false);
    if (dead !== undefined) return { name: dead, at: Date.now() };
    await sleep(25);
  }
  return undefined;
}

/**
 * When a process logged `msg` (pino's `time`), watched through its output's tail until `timeoutMs`:
 * the moment a standby worker took the advisor's lead, as the process itself saw it.
 */
export async function loggedAt(
  stack: DrillStack,
  name: string,
  msg: string,
  timeoutMs: number,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of stack.serve.get(name)?.tail().split('\n') ?? []) {
      const record = parseLine(line);
      if (record?.msg === msg && typeof record.time === 'number') return record.time;
    }
    await sleep(100);
  }
  return undefined;
}

function parseLine(line: string): { msg?: unknown; time?: unknown } | undefined {
  try {
    return JSON.parse(line) as { msg?: unknown; time?: unknown };
  } catch {
    return undefined;
  }
}
