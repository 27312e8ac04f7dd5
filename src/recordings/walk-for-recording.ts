import { compareOids, isOidPrefix, parseOid, type Oid } from '../snmp/oid.js';
import type { SnmpConnection, SnmpResult } from '../snmp/snmp-session.js';
import { pastSubtree, skippedSubtree, type Subtree } from './credential-subtrees.js';
import type { SnmprecRecord } from './snmprec-record.js';

export interface RecordingWalkOptions {
  /** Roots to walk, in order (1.3.6.1 for everything). */
  roots: readonly Subtree[];
  /** Subtrees never asked for (credentials, and whatever the caller adds). */
  skips: readonly Subtree[];
  maxVarbinds: number;
  deadlineMs: number;
  maxRepetitions: number;
  clock?: () => number;
}

export interface RecordingWalk {
  records: SnmprecRecord[];
  /** Skipped subtrees the walk actually met. */
  met: Set<string>;
  /** Why the walk ended before the end of its roots (a bound, or an agent that misbehaved). */
  stoppedBy?: string;
  /** The failure of the very first request: nothing answered (timeout, auth_failed, …). */
  failed?: Pick<SnmpResult, 'outcome' | 'reason'>;
}

/** What one answer did to the walk of a root. */
type Step = { next: string } | 'end' | { stop: string };

/**
 * Walks the roots with GetBulk (GetNext on v1) one request at a time, so that it can jump over skipped
 * subtrees without asking for them and stop where the bounds say: at most `maxVarbinds` objects, within
 * `deadlineMs`, and at the first OID that does not increase (an agent in a loop would otherwise keep us).
 */
export async function walkForRecording(
  connection: SnmpConnection,
  options: RecordingWalkOptions,
): Promise<RecordingWalk> {
  const clock = options.clock ?? Date.now;
  const deadline = clock() + options.deadlineMs;
  const walk: RecordingWalk = { records: [], met: new Set() };
  const state = { last: undefined as Oid | undefined };
  for (const root of options.roots) {
    let cursor = root.text;
    for (;;) {
      if (clock() > deadline) return { ...walk, stoppedBy: `time limit of ${options.deadlineMs / 1000} s` };
      const result = await connection.getBulk(cursor, options.maxRepetitions);
      if (isEndOfV1View(result)) break;
      if (result.outcome !== 'ok') {
        if (walk.records.length === 0)
          return { ...walk, failed: { outcome: result.outcome, reason: result.reason } };
        return { ...walk, stoppedBy: `${result.outcome} after ${cursor}: ${result.reason ?? ''}`.trim() };
      }
      const step = takeAnswer(result, root, walk, state, options);
      if (step === 'end') break;
      if ('stop' in step) return { ...walk, stoppedBy: step.stop };
      cursor = step.next;
    }
  }
  return walk;
}

/** SNMPv1 has no endOfMibView: the agent answers noSuchName past its last object (RFC 1157 4.1.3). */
function isEndOfV1View(result: SnmpResult): boolean {
  return result.outcome === 'error_status' && result.reason === 'error-status NoSuchName';
}

function takeAnswer(
  result: SnmpResult,
  root: Subtree,
  walk: RecordingWalk,
  state: { last: Oid | undefined },
  options: RecordingWalkOptions,
): Step {
  if (result.varbinds.length === 0) return 'end';
  let next: string | undefined;
  for (const varbind of result.varbinds) {
    if (typeof varbind.value === 'string') return 'end';
    const oid = parseOid(varbind.oid);
    if (!isOidPrefix(root.oid, oid)) return 'end';
    if (state.last && compareOids(oid, state.last) <= 0)
      return {
        stop: `the agent answered ${varbind.oid} after ${state.last.join('.')} (OIDs not increasing)`,
      };
    state.last = oid;
    const skip = skippedSubtree(oid, options.skips);
    if (skip) {
      walk.met.add(skip.text);
      // The rest of this answer lies in the skipped subtree or is asked again from past it.
      return { next: pastSubtree(skip) };
    }
    walk.records.push({ oid: varbind.oid, value: varbind.value });
    if (walk.records.length >= options.maxVarbinds)
      return { stop: `${options.maxVarbinds} varbinds (--max-varbinds)` };
    next = varbind.oid;
  }
  return next === undefined ? 'end' : { next };
}
