import type { CutFigures, OutageBenchResult } from './outage-bench-result.js';

function formatCuts(label: string, cuts: CutFigures | undefined): string {
  if (!cuts) return `${label}: not run`;
  const { latency_s: l } = cuts;
  return `${label}: ${cuts.notified}/${cuts.runs} notified; p50 ${l.p50} s, max ${l.max} s (runs: ${cuts.seconds.map((s) => (s === null ? '—' : String(s))).join(', ')})`;
}

/** The bench's figures as a person reads them. */
export function formatOutageBench(result: OutageBenchResult): string {
  const { setup, loss } = result;
  return [
    `base station ${setup.parent} with ${setup.cpes} CPEs; probes ${setup.probes}; settle ${setup.settle_s} s`,
    formatCuts('power cut → outage notice, polling alone', result.polling),
    formatCuts('power cut → outage notice, with traps   ', result.traps),
    loss
      ? `${loss.percent}% packet loss, ${loss.devices} devices, ${loss.seconds} s: ${loss.false_outages} false outages, ${loss.outage_notices} notices; ${loss.check_rounds} outage-check rounds, ${loss.check_rounds_confirming} confirming`
      : 'packet loss: not run',
  ].join('\n');
}
