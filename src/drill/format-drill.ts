import type { DrillReport } from './drill-report.js';

const seconds = (ms: number | undefined): string =>
  ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`;

/** The report as a person reads it: the fault, each invariant with pass/fail and what was measured. */
export function formatDrill(report: DrillReport): string {
  const lines = [
    `drill ${report.drill}${report.quick ? ' (quick)' : ''}: ${report.pass ? 'PASS' : 'FAIL'} in ${seconds(report.durationMs)}`,
    `fault: ${report.fault}`,
    ...report.checks.map((c) => `  ${c.pass ? 'ok  ' : 'FAIL'} ${c.invariant} — ${c.measured}`),
    `recovery: ${seconds(report.recoveryMs)}`,
    `lost: ${report.lost.join('; ')}`,
    `figures: ${Object.entries(report.figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  ];
  return lines.join('\n');
}
