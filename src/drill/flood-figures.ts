import type { HttpRateJob, HttpRateResult } from './http-rate-worker.js';
import type { TrapFloodResult } from './trap-flood-worker.js';

/** What the three load threads of the floods drill brought back. */
export interface FloodRun {
  traps: TrapFloodResult;
  opens: HttpRateResult;
  paced: HttpRateResult;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? 0);
}

const count = (result: HttpRateResult, keep: (status: number) => boolean): number =>
  result.answers.filter((a) => keep(a.status)).length;

/** The achieved rates (what the two shared cores let the senders do) and what each side met. */
export function floodFigures(run: FloodRun, paced: HttpRateJob['requests']): Record<string, number> {
  const { traps, opens } = run;
  const reads = run.paced.answers.filter((a) => paced[a.kind]?.path !== '/readyz');
  const normal = reads.map((a) => a.ms);
  const lag = reads.map((a) => a.clientLagMs);
  return {
    trapsSent: traps.sent,
    trapsPerSecondAchieved: Math.round(traps.sent / Math.max(traps.seconds, 0.001)),
    trapSendsFailed: traps.failed,
    opensSent: opens.answers.length,
    opensPerSecondAchieved: Math.round(opens.answers.length / Math.max(opens.seconds, 0.001)),
    opensSkippedByClient: opens.skipped,
    opens2xx: count(opens, (s) => s >= 200 && s < 300),
    opens503: count(opens, (s) => s === 503),
    opens429: count(opens, (s) => s === 429),
    opensOther: count(opens, (s) => s < 200 || (s >= 300 && s !== 429 && s !== 503)),
    opensP50Ms: percentile(
      opens.answers.map((a) => a.ms),
      0.5,
    ),
    opensP99Ms: percentile(
      opens.answers.map((a) => a.ms),
      0.99,
    ),
    pacedReads: normal.length,
    pacedP50Ms: percentile(normal, 0.5),
    pacedP99Ms: percentile(normal, 0.99),
    pacedMaxMs: percentile(normal, 1),
    // The client's own lateness while its reads were out: included in the times above, not the API's.
    pacedClientLagP99Ms: percentile(lag, 0.99),
    pacedClientLagMaxMs: percentile(lag, 1),
  };
}

/** One series' value from Prometheus text (0 when absent). */
function series(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

/** Sums every series of a metric whose labels match. */
function sum(text: string, metric: string, labelPart = ''): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && l.includes(labelPart))
    .reduce((total, l) => total + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** What the trap port and the API counted (GET /metrics), next to what was sent. */
export function trapFigures(metrics: string): Record<string, number> {
  return {
    trapsCountedKnown: series(metrics, 'vigil_traps_total{source="known"}'),
    trapsCountedUnknown: series(metrics, 'vigil_traps_total{source="unknown"}'),
    trapsRejected: sum(metrics, 'vigil_traps_rejected_total'),
    trapsOverloaded: series(metrics, 'vigil_traps_rejected_total{reason="overloaded"}'),
    trapsMalformed: series(metrics, 'vigil_traps_rejected_total{reason="malformed"}'),
    trapsUnknownCommunity: series(metrics, 'vigil_traps_rejected_total{reason="unknown_community"}'),
    requestsShed: sum(metrics, 'vigil_http_shed_total'),
  };
}
