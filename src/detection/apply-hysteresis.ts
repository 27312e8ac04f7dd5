import type { Thresholds } from '../probes/probe-types.js';
import type { DetectionState } from './detection-state.js';
import type { Condition, Judgement, SignificantChange, SubjectRef } from './detector.js';
import { findingId, type Finding, type FindingChange, type FindingKind } from './finding.js';

export interface HysteresisInput {
  deviceId: string;
  thresholds: Thresholds;
  /** In detector order: the first judgement to find a condition present speaks for it. */
  judgements: readonly Judgement[];
  pending: DetectionState['pending'];
  findings: DetectionState['findings'];
  now: number;
  /** Finding ids seen already before this poll (a device's trap named them): present now, they open. */
  openAtOnce?: ReadonlySet<string>;
}

export interface HysteresisOutput {
  pending: DetectionState['pending'];
  findings: DetectionState['findings'];
  changes: FindingChange[];
}

type Verdict =
  | { status: 'present'; condition: Condition; openAfter: number }
  | { status: 'absent'; clearAfter: number }
  | { status: 'unknown' };

function refOf(deviceId: string, id: string, findings: DetectionState['findings']): SubjectRef {
  const open = findings[id];
  if (open) return { kind: open.kind, subject: open.subject };
  // Pending ids are findingId()s: `<deviceId>:<kind>[:<subject>]`; kinds hold no colon.
  const rest = id.slice(deviceId.length + 1);
  const colon = rest.indexOf(':');
  return colon < 0
    ? { kind: rest as FindingKind }
    : { kind: rest.slice(0, colon) as FindingKind, subject: rest.slice(colon + 1) };
}

function isUnknown(j: Judgement, ref: SubjectRef): boolean {
  return j.unknown === 'all' || (typeof j.unknown === 'function' && j.unknown(ref));
}

/**
 * Merges the judgements into one verdict per finding id. Present wins (a detector saw it); else, if
 * any judgement speaking for the kind has no data for the subject, unknown (keep things as they are);
 * else absent. Two judgements can speak for one kind: base_station_down comes from both reachability
 * and the cells. A kind no judgement speaks for is left alone.
 */
function verdicts(input: HysteresisInput): Map<string, Verdict> {
  const { deviceId, thresholds, judgements, pending, findings } = input;
  const result = new Map<string, Verdict>();
  for (const j of judgements) {
    for (const condition of j.present) {
      const id = findingId(deviceId, condition.kind, condition.subject);
      if (!result.has(id)) {
        result.set(id, {
          status: 'present',
          condition,
          openAfter: input.openAtOnce?.has(id) ? 1 : (j.openAfterPolls ?? thresholds.openAfterPolls),
        });
      }
    }
  }
  const absentOrUnknown = (id: string): void => {
    if (result.has(id)) return;
    const ref = refOf(deviceId, id, findings);
    const speaking = judgements.filter((j) => j.kinds.includes(ref.kind));
    if (speaking.length === 0) return;
    if (speaking.some((j) => isUnknown(j, ref))) {
      result.set(id, { status: 'unknown' });
    } else {
      // The slower of the voices decides when it is over.
      const clearAfter = Math.max(...speaking.map((j) => j.clearAfterPolls ?? thresholds.clearAfterPolls));
      result.set(id, { status: 'absent', clearAfter });
    }
  };
  // Open findings, then streaks not open yet; for…in, no array or set made when both are empty.
  for (const id in findings) absentOrUnknown(id);
  for (const id in pending) if (!(id in findings)) absentOrUnknown(id);
  return result;
}

/**
 * The summary with its numbers masked, and the plural a number brings with it: "1,240 input errors
 * on pon0" and "1,310 input errors on pon0", or "no answer to 1 poll" and "no answer to 4 polls",
 * have the same wording.
 */
export function wording(summary: string): string {
  return summary.replace(/[−-]?\d[\d,.]*/g, '#').replace(/# (\p{L}+?)s\b/gu, '# $1');
}

function moved(before: unknown, after: unknown, change: SignificantChange): boolean {
  if (typeof before !== 'number' || typeof after !== 'number') return before !== after;
  const delta = Math.abs(after - before);
  return (
    (change.absolute !== undefined && delta >= change.absolute) ||
    (change.relative !== undefined && delta >= change.relative * Math.abs(before))
  );
}

/**
 * Whether an open finding's new evidence is news. Compared with what was last *reported* (the stored
 * finding), not with the previous poll, so a slow drift is reported once it adds up, and a counter
 * that ticks every poll is not: a different severity; different wording once numbers are masked
 * (another cause, e.g. timeouts turning into rejected credentials); or the detector's key number moved
 * by its declared step (e.g. signal by 1 dB, error rate by half).
 */
export function worthUpdating(reported: Finding, now: Condition): boolean {
  if (reported.severity !== now.severity) return true;
  if (wording(reported.evidence.summary) !== wording(now.evidence.summary)) return true;
  const key = now.significant;
  return key !== undefined && moved(reported.evidence.values[key.value], now.evidence.values[key.value], key);
}

function opened(deviceId: string, id: string, c: Condition, now: number): Finding {
  return {
    id,
    deviceId,
    kind: c.kind,
    ...(c.subject === undefined ? {} : { subject: c.subject }),
    severity: c.severity,
    since: now,
    updatedAt: now,
    evidence: c.evidence,
  };
}

/**
 * The shared hysteresis. A condition opens a finding after being present `openAfter` polls in a row
 * (probe.thresholds.openAfterPolls unless its detector says otherwise; one when the device's trap named
 * it, see trap-named.ts) and clears it after being absent `clearAfter` polls in a row. An unknown poll
 * neither advances nor resets a count: one lost answer in the middle of a streak does not decide
 * anything. Counters that say nothing (a streak broken, a finding seen again) are deleted, so `pending`
 * only holds streaks in progress.
 */
export function applyHysteresis(input: HysteresisInput): HysteresisOutput {
  const book: Book = {
    deviceId: input.deviceId,
    now: input.now,
    pending: { ...input.pending },
    findings: { ...input.findings },
    changes: [],
  };
  for (const [id, verdict] of verdicts(input)) {
    if (verdict.status === 'present') whenPresent(book, id, verdict.condition, verdict.openAfter);
    if (verdict.status === 'absent') whenAbsent(book, id, verdict.clearAfter);
  }
  return { pending: book.pending, findings: book.findings, changes: book.changes };
}

/** The new state being written by one applyHysteresis() call. */
interface Book extends HysteresisOutput {
  deviceId: string;
  now: number;
}

function whenPresent(book: Book, id: string, condition: Condition, openAfter: number): void {
  const open = book.findings[id];
  const present = (book.pending[id]?.present ?? 0) + 1;
  if (open) {
    delete book.pending[id];
    if (!worthUpdating(open, condition)) return;
    const finding = {
      ...open,
      severity: condition.severity,
      evidence: condition.evidence,
      updatedAt: book.now,
    };
    book.findings[id] = finding;
    book.changes.push({ type: 'updated', finding });
  } else if (present >= openAfter) {
    delete book.pending[id];
    const finding = opened(book.deviceId, id, condition, book.now);
    book.findings[id] = finding;
    book.changes.push({ type: 'opened', finding });
  } else {
    book.pending[id] = { present, absent: 0 };
  }
}

function whenAbsent(book: Book, id: string, clearAfter: number): void {
  const open = book.findings[id];
  const absent = (book.pending[id]?.absent ?? 0) + 1;
  if (!open) {
    delete book.pending[id];
  } else if (absent >= clearAfter) {
    delete book.pending[id];
    delete book.findings[id];
    book.changes.push({ type: 'cleared', finding: open, at: book.now });
  } else {
    book.pending[id] = { present: 0, absent };
  }
}
