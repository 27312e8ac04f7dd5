import type { FuzzBenchResult } from './fuzz-bench-result.js';

/** The result for people: the decoder, the trap port, the pollers, the service's health. */
export function formatFuzzBench(r: FuzzBenchResult): string {
  return [
    `seed ${r.seed}`,
    `decoder: ${r.decoder.datagrams} mutated datagrams, ${r.decoder.escapes} escapes, mean ${r.decoder.meanMicros} µs, max ${r.decoder.maxMicros} µs`,
    `trap port: ${r.trapPort.sent} datagrams in ${r.trapPort.seconds} s (${r.trapPort.perSecond}/s), ${r.trapPort.counted} counted by the service; rejected ${JSON.stringify(r.trapPort.rejected)}`,
    `pollers: ${r.hostileAnswers.answers} hostile answers in ${r.hostileAnswers.seconds} s; polls ${JSON.stringify(r.hostileAnswers.polls)}`,
    `service: ${r.service.crashed ? 'CRASHED' : 'alive'}, ${r.service.escapes} escapes; /healthz ${r.service.healthChecks - r.service.healthFailures}/${r.service.healthChecks} answered, slowest ${r.service.healthMaxMs} ms; RSS ${r.service.rssStartMb} → ${r.service.rssEndMb} MB (max ${r.service.rssMaxMb}); V8 heap a minute apart ${r.service.heapMb.join(', ')} MB`,
  ].join('\n');
}
