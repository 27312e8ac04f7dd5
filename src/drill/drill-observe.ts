import { setTimeout as sleep } from 'node:timers/promises';
import type { DrillRole, DrillStack } from './drill-stack.js';

/** What the drills read from outside: the API, the simulator's control API. Never Vigil's internals. */

export interface TimedAnswer {
  status: number;
  contentType: string;
  ms: number;
}

/** One API request, timed; a transport error or a timeout is status 0 (a hang is what a drill looks for). */
export async function timedRequest(
  stack: Pick<DrillStack, 'apiUrl' | 'token'>,
  role: DrillRole,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<TimedAnswer> {
  const startedAt = performance.now();
  try {
    const answer = await fetch(stack.apiUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${stack.token(role)}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await answer.arrayBuffer();
    const contentType = answer.headers.get('content-type') ?? '';
    return { status: answer.status, contentType, ms: performance.now() - startedAt };
  } catch {
    return { status: 0, contentType: '', ms: performance.now() - startedAt };
  }
}

/** Each device's last poll as the API shows it (ms since epoch; 0 when never polled or unreadable). */
export async function lastPollTimes(stack: DrillStack, ids: readonly string[]): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  await Promise.all(
    ids.map(async (id) => {
      const answer = await stack
        .api('GET', `/v1/devices/${encodeURIComponent(id)}`, 'noc')
        .catch(() => undefined);
      const at =
        answer?.status === 200
          ? (JSON.parse(answer.text) as { state?: { lastPollAt?: string } }).state?.lastPollAt
          : undefined;
      times.set(id, at ? Date.parse(at) : 0);
    }),
  );
  return times;
}

/**
 * From `since`, when each device is first seen polled again through the API (an upper bound on the
 * real time: the drill reads every half second), until all are or `deadlineMs` passes.
 */
export async function firstPollsAfter(
  stack: DrillStack,
  since: number,
  deadlineMs: number,
): Promise<Map<string, number>> {
  const ids = stack.inventory.devices.map((d) => d.id);
  const seen = new Map<string, number>();
  while (seen.size < ids.length && Date.now() - since < deadlineMs) {
    const times = await lastPollTimes(
      stack,
      ids.filter((id) => !seen.has(id)),
    );
    for (const [id, at] of times) if (at > since) seen.set(id, Date.now() - since);
    await sleep(500);
  }
  return seen;
}

/** How many reboots each device's simulator counts (SETs it obeyed). */
export async function rebootCounts(stack: DrillStack, ids: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const answer = await stack.control('GET', `/devices/${encodeURIComponent(id)}`);
    counts.set(id, (JSON.parse(answer.text) as { reboots: number }).reboots);
  }
  return counts;
}

/** Asks `probe` until it gives a value, or undefined after `timeoutMs` (a drill reports, it does not throw). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

export function expectOk(answer: { status: number; text: string }, what: string): void {
  if (answer.status < 200 || answer.status > 299)
    throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
}
