import type { BenchPhase } from '../bench-phases.js';
import type { StackOptions } from './stack.js';

/** The service's stack as the bench sets it up (stack.ts), and what the bench itself measures. */
export interface ConversationBenchOptions extends Omit<
  StackOptions,
  'cpes' | 'opensPerKeyPerMinute' | 'say'
> {
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
  phases: readonly BenchPhase[];
}
