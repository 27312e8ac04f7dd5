import { setTimeout as sleep } from 'node:timers/promises';
import type { HostileAgent } from '../../fuzz/hostile-agent.js';
import type { BenchChild } from '../bench-child.js';

/** Requests the hostile agents have answered so far. */
export const answeredBy = (agents: readonly HostileAgent[]): number =>
  agents.reduce((sum, a) => sum + a.requests, 0);

/**
 * The pollers: until the hostile agents have answered `answers` requests (or the service died); the
 * seconds it took.
 */
export async function waitForHostileAnswers(
  serve: BenchChild,
  agents: readonly HostileAgent[],
  answers: number,
  say: (line: string) => void,
): Promise<number> {
  const started = performance.now();
  let last = 0;
  while (answeredBy(agents) < answers) {
    if (serve.rssMb() === 0) break;
    await sleep(250);
    if (answeredBy(agents) - last >= 20_000) {
      last = answeredBy(agents);
      say(`hostile agents: ${last} answers`);
    }
  }
  return (performance.now() - started) / 1000;
}
