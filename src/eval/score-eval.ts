import { FINDING_KINDS } from '../detection/index.js';
import { SUGGESTION_KINDS } from '../playbooks/index.js';
import type { CheckpointVerdict } from './judge-checkpoint.js';
import type { RunVerdict } from './judge-run.js';

/** One scenario as run: its verdicts, or why it could not run. */
export interface ScenarioResult {
  name: string;
  description: string;
  checkpoints: CheckpointVerdict[];
  run: RunVerdict;
  /** The scenario could not be run (a process failed to start): no verdicts. */
  error?: string;
  /** Not run: what it waits for (its file says). */
  pending?: string;
  seconds: number;
}

export interface Tally {
  tp: number;
  fp: number;
  fn: number;
  /** tp / (tp + fp); null when nothing was observed. */
  precision: number | null;
  /** tp / (tp + fn); null when nothing was expected. */
  recall: number | null;
}

export interface FindingTally extends Tally {
  detectP50Seconds: number | null;
  detectP95Seconds: number | null;
}

export interface EvalScore {
  scenarios: {
    name: string;
    passed: boolean;
    pending?: string;
    seconds: number;
    violations: string[];
    /** Vigil's explanation of each wrong top suggestion. */
    why: string[];
  }[];
  findings: Record<string, FindingTally>;
  /** Judged on each subscriber's top suggestion; `none` is the right answer for a healthy subscriber. */
  suggestions: Record<string, Tally>;
  rightTop: { right: number; judged: number; share: number | null };
  /** The same over subscribers expected to get a suggestion: the healthy majority left out. */
  rightTopWhenTroubled: { right: number; judged: number; share: number | null };
  falseOutages: number;
  rebootsOrVisitsInsideOutage: number;
  detect: { p50Seconds: number | null; p95Seconds: number | null; samples: number };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

function tally(counts: { tp: number; fp: number; fn: number }): Tally {
  const { tp, fp, fn } = counts;
  return {
    tp,
    fp,
    fn,
    precision: tp + fp === 0 ? null : tp / (tp + fp),
    recall: tp + fn === 0 ? null : tp / (tp + fn),
  };
}

const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });

type Counts = { tp: number; fp: number; fn: number };

/** Counts over every checkpoint: findings by kind, top suggestions by kind, detection times by kind. */
function countCheckpoints(results: readonly ScenarioResult[]) {
  const findingCounts = new Map<string, Counts>(FINDING_KINDS.map((k) => [k, zero()]));
  const detectByKind = new Map<string, number[]>();
  const suggestionCounts = new Map<string, Counts>([...SUGGESTION_KINDS, 'none'].map((k) => [k, zero()]));
  const top = { right: 0, judged: 0, troubledRight: 0, troubledJudged: 0 };
  for (const checkpoint of results.flatMap((r) => r.checkpoints)) {
    for (const f of checkpoint.findings) {
      const counts = findingCounts.get(f.kind) as Counts;
      if (f.expected === 'present' && f.observed) counts.tp++;
      else if (f.expected === 'present') counts.fn++;
      else if (f.expected === 'absent' && f.observed) counts.fp++;
      if (f.detectSeconds !== undefined)
        detectByKind.set(f.kind, [...(detectByKind.get(f.kind) ?? []), f.detectSeconds]);
    }
    for (const s of checkpoint.suggestions) {
      if (s.expected === 'any') continue;
      top.judged++;
      if (s.expected !== 'none') top.troubledJudged++;
      if (s.expected === s.observed) {
        top.right++;
        if (s.expected !== 'none') top.troubledRight++;
        (suggestionCounts.get(s.expected) as Counts).tp++;
      } else {
        (suggestionCounts.get(s.expected) as Counts).fn++;
        (suggestionCounts.get(s.observed) as Counts).fp++;
      }
    }
  }
  return { findingCounts, detectByKind, suggestionCounts, top };
}

/** The suite's figures from every scenario's verdicts (pure). */
export function scoreEval(results: readonly ScenarioResult[]): EvalScore {
  const { findingCounts, detectByKind, suggestionCounts, top } = countCheckpoints(results);
  const { right, judged } = top;
  const sortedOf = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);
  const findings: Record<string, FindingTally> = {};
  for (const [kind, counts] of findingCounts) {
    const sorted = sortedOf(detectByKind.get(kind) ?? []);
    findings[kind] = {
      ...tally(counts),
      detectP50Seconds: percentile(sorted, 50),
      detectP95Seconds: percentile(sorted, 95),
    };
  }
  const allDetect = sortedOf([...detectByKind.values()].flat());
  return {
    scenarios: results.map((r) => {
      const violations = [
        ...(r.error ? [`could not run: ${r.error}`] : []),
        ...r.checkpoints.flatMap((c) => c.violations),
        ...r.run.violations,
      ];
      if (r.pending !== undefined)
        return { name: r.name, passed: false, pending: r.pending, seconds: 0, violations: [], why: [] };
      const why = r.checkpoints.flatMap((c) =>
        Object.entries(c.why ?? {}).flatMap(([subscriberId, lines]) => [
          `${subscriberId} at ${c.atSeconds}s:`,
          ...lines.map((line) => `  ${line}`),
        ]),
      );
      return { name: r.name, passed: violations.length === 0, seconds: r.seconds, violations, why };
    }),
    findings,
    suggestions: Object.fromEntries([...suggestionCounts].map(([kind, counts]) => [kind, tally(counts)])),
    rightTop: { right, judged, share: judged === 0 ? null : right / judged },
    rightTopWhenTroubled: {
      right: top.troubledRight,
      judged: top.troubledJudged,
      share: top.troubledJudged === 0 ? null : top.troubledRight / top.troubledJudged,
    },
    falseOutages: results.reduce((n, r) => n + r.run.falseOutages.length, 0),
    rebootsOrVisitsInsideOutage: results.reduce((n, r) => n + r.run.suggestedInsideOutage.length, 0),
    detect: {
      p50Seconds: percentile(allDetect, 50),
      p95Seconds: percentile(allDetect, 95),
      samples: allDetect.length,
    },
  };
}
