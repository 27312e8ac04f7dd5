import type { DecoderFuzzResult } from './fuzz-decoder.js';

export interface FuzzBenchResult {
  seed: number;
  decoder: DecoderFuzzResult;
  trapPort: {
    sent: number;
    seconds: number;
    perSecond: number;
    /** Datagrams the service counted (taken or rejected): the rest were dropped by the kernel's buffer. */
    counted: number;
    rejected: Record<string, number>;
  };
  hostileAnswers: { answers: number; seconds: number; polls: Record<string, number> };
  service: {
    crashed: boolean;
    escapes: number;
    healthChecks: number;
    healthFailures: number;
    healthMaxMs: number;
    rssStartMb: number;
    rssEndMb: number;
    rssMaxMb: number;
    /** V8 heap in use, MB, read from /metrics once a minute (the first after the inventory import). */
    heapMb: number[];
  };
}
