import type { EvalScore, FindingTally, Tally } from './score-eval.js';

/** How the run was made, said under the headline so figures are read with their settings. */
export interface EvalSettings {
  intervalSeconds: number;
  rebootSeconds: number;
  concurrency: number;
}

function settingsLine(settings: EvalSettings): string {
  const settle = Math.max(2, 2 * settings.intervalSeconds);
  return `polls every ${settings.intervalSeconds} s (unless a scenario sets its own), outages settle in ${settle} s, a rebooted router is silent ${settings.rebootSeconds} s; ${settings.concurrency} scenarios at a time`;
}

const percent = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
const seconds = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} s`);

/** Columns padded to their widest cell, the first left-aligned and the rest right-aligned. */
function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

const counts = (t: Tally): string[] => [
  String(t.tp),
  String(t.fp),
  String(t.fn),
  percent(t.precision),
  percent(t.recall),
];

/** The suite's figures as the table `vigil eval` prints, then each failed scenario with its reasons. */
export function formatEval(score: EvalScore & { settings?: EvalSettings }): string {
  const failed = score.scenarios.filter((s) => !s.passed && s.pending === undefined);
  const pending = score.scenarios.filter((s) => s.pending !== undefined);
  const ran = score.scenarios.length - pending.length;
  const findingRows = Object.entries(score.findings).map(([kind, t]: [string, FindingTally]) => [
    kind,
    ...counts(t),
    seconds(t.detectP50Seconds),
    seconds(t.detectP95Seconds),
  ]);
  const suggestionRows = Object.entries(score.suggestions).map(([kind, t]) => [kind, ...counts(t)]);
  const { rightTop, detect } = score;
  const lines = [
    `vigil eval: ${ran} scenarios run, ${ran - failed.length} met every expectation, ${failed.length} did not${pending.length > 0 ? `; ${pending.length} pending` : ''}`,
    ...(score.settings ? [settingsLine(score.settings)] : []),
    '',
    ...table([['finding', 'tp', 'fp', 'fn', 'precision', 'recall', 'detect p50', 'p95'], ...findingRows]),
    '',
    ...table([['top suggestion', 'tp', 'fp', 'fn', 'precision', 'recall'], ...suggestionRows]),
    '',
    `right top suggestion: ${rightTop.right}/${rightTop.judged} subscriber checks (${percent(rightTop.share)}; bar 99%)`,
    `  of those with something to suggest: ${score.rightTopWhenTroubled.right}/${score.rightTopWhenTroubled.judged} (${percent(score.rightTopWhenTroubled.share)})`,
    `false outages: ${score.falseOutages} (bar 0)`,
    `reboots or visits suggested inside an outage: ${score.rebootsOrVisitsInsideOutage} (bar 0)`,
    `time to detect: p50 ${seconds(detect.p50Seconds)}, p95 ${seconds(detect.p95Seconds)} (${detect.samples} findings)`,
  ];
  for (const s of pending) lines.push(`pending: ${s.name} (${s.pending ?? ''})`);
  if (failed.length > 0) {
    lines.push('', 'scenarios with an expectation not met:');
    for (const s of failed) {
      lines.push(`  ${s.name}:`);
      for (const v of s.violations) lines.push(`    ${v}`);
      if (s.why.length > 0) lines.push('    why (vigil explain):', ...s.why.map((w) => `      ${w}`));
    }
  }
  return lines.join('\n');
}
