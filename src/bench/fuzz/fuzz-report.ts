import type { HostileAgent } from '../../fuzz/hostile-agent.js';
import type { BenchChild } from '../bench-child.js';
import type { HttpAnswer } from '../bench-http.js';
import type { FuzzBenchOptions } from './fuzz-bench-options.js';
import type { FuzzBenchResult } from './fuzz-bench-result.js';
import type { DecoderFuzzResult } from './fuzz-decoder.js';
import type { HealthWatch } from './health-watch.js';
import { answeredBy } from './hostile-answers-phase.js';
import { byLabel } from './prometheus-by-label.js';

/** The run's result: what the service counted (from its /metrics), its health and memory, crashes and escapes. */
export async function fuzzReport(run: {
  options: FuzzBenchOptions;
  decoder: DecoderFuzzResult;
  serve: BenchChild;
  metrics: () => Promise<HttpAnswer>;
  watch: HealthWatch;
  agents: readonly HostileAgent[];
  trapSeconds: number;
  answerSeconds: number;
}): Promise<FuzzBenchResult> {
  const { options, serve, watch } = run;
  const crashed = serve.rssMb() === 0;
  const metrics = crashed ? { status: 0, text: '' } : await run.metrics();
  const rejected = byLabel(metrics.text, 'vigil_traps_rejected_total', 'reason');
  const taken = Object.values(byLabel(metrics.text, 'vigil_traps_total', 'source')).reduce(
    (a, b) => a + b,
    0,
  );
  return {
    seed: options.seed,
    decoder: run.decoder,
    trapPort: {
      sent: options.datagrams,
      seconds: +run.trapSeconds.toFixed(1),
      perSecond: Math.round(options.datagrams / run.trapSeconds),
      counted: taken + Object.values(rejected).reduce((a, b) => a + b, 0),
      rejected,
    },
    hostileAnswers: {
      answers: answeredBy(run.agents),
      seconds: +run.answerSeconds.toFixed(1),
      polls: byLabel(metrics.text, 'vigil_polls_total', 'outcome'),
    },
    service: {
      crashed,
      escapes: serve.logged(/unhandled error/).length,
      healthChecks: watch.health.checks,
      healthFailures: watch.health.failures,
      healthMaxMs: Math.round(watch.health.maxMs),
      rssStartMb: watch.rss.start,
      rssEndMb: serve.rssMb(),
      rssMaxMb: watch.rss.max,
      heapMb: watch.heap,
    },
  };
}
