import type { BenchPhase } from '../bench-phases.js';

export interface ConversationBenchOptions {
  redisUrl: string;
  probesDir: string;
  /** Conversations opened per second, open-loop. */
  rate: number;
  seconds: number;
  /** One open in this many is followed on its stream until the fresh-probe diagnosis arrives. */
  sampleEvery: number;
  /** Faults injected per path (trap and poll), each on its own CPE. */
  faultRepeats: number;
  /** CPEs (and subscribers) under the one base station taken down. */
  outageSubscribers: number;
  /** Conversations open, each with its stream, when the base station goes down. */
  open: number;
  intervalSeconds: number;
  settleSeconds: number;
  pollShards: number;
  /** The pollers' address refresh (VIGIL_POLL_SYNC_SECONDS), when not the poller's default: traps wait for it. */
  pollSyncEveryMs?: number;
  firstOctet: number;
  port: number;
  split: boolean;
  cpuProfDir?: string;
  phases: readonly BenchPhase[];
}
