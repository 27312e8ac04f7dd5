import type { AuthProfile } from '../snmp/auth-profile.js';
import { compareOids, isOidPrefix } from '../snmp/oid.js';
import { openSnmpConnection, type SnmpResult, type SnmpTarget } from '../snmp/snmp-session.js';
import { CREDENTIAL_SUBTREES, subtree, type Subtree } from './credential-subtrees.js';
import { createCredentialRedactor } from './redact-credentials.js';
import type { SnmprecRecord } from './snmprec-record.js';
import { walkForRecording, type RecordingWalk } from './walk-for-recording.js';
import { formatSnmprec } from './write-snmprec.js';

export interface RecordDeviceOptions {
  target: SnmpTarget;
  roots: readonly string[];
  /** Skipped besides the credential subtrees (e.g. hrSWRun on a busy host). */
  extraSkips: readonly string[];
  maxVarbinds: number;
  deadlineMs: number;
  maxRepetitions: number;
  /** "vigil record 0.1.0": who wrote the file, for its header. */
  tool: string;
  now?: Date;
}

export type RecordDeviceResult =
  | { ok: true; text: string; varbinds: number; stoppedBy?: string; redacted: number; dropped: number }
  | { ok: false; outcome: SnmpResult['outcome']; reason: string };

const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

/** Walks a device and returns its snmprec text, credentials left out (see CREDENTIAL_SUBTREES). */
export async function recordDevice(options: RecordDeviceOptions): Promise<RecordDeviceResult> {
  const roots = disjointRoots(options.roots.map(subtree));
  const skips = [...CREDENTIAL_SUBTREES.map((s) => subtree(s.oid)), ...options.extraSkips.map(subtree)];
  const connection = openSnmpConnection(options.target);
  try {
    const walk = await walkForRecording(connection, {
      roots,
      skips,
      maxVarbinds: options.maxVarbinds,
      deadlineMs: options.deadlineMs,
      maxRepetitions: options.maxRepetitions,
    });
    if (walk.failed) return { ok: false, outcome: walk.failed.outcome, reason: walk.failed.reason ?? '' };
    const secrets = secretsOf(options.target.profile);
    const { kept, redacted, dropped } = withoutCredentials(walk.records, secrets);
    const identity = await identify(kept, () => connection.get([SYS_DESCR, SYS_OBJECT_ID]));
    const header = headerLines(options, { roots, walk, identity, redacted, dropped });
    const { text, left } = formatSnmprec(kept, header);
    // A second belt: whatever the redactor missed (a header line, a hex value) fails the recording.
    if (secrets.some((secret) => text.includes(secret)))
      return { ok: false, outcome: 'malformed', reason: 'a credential in use would have been written' };
    // Values out of their type's range are left out of the lines; the header names how many before.
    const notes = left.length > 0 ? [`left out ${left.length}: ${left[0]?.oid} ${left[0]?.reason}`] : [];
    const finalText = notes.length > 0 ? formatSnmprec(kept, [...header, ...notes]).text : text;
    return {
      ok: true,
      text: finalText,
      varbinds: kept.length - left.length,
      ...(walk.stoppedBy ? { stoppedBy: walk.stoppedBy } : {}),
      redacted,
      dropped,
    };
  } finally {
    connection.close();
  }
}

/**
 * Roots in OID order, none inside another: the walk then only ever moves forward, across roots too, so
 * an agent that goes back is caught wherever it does, and no object is recorded twice.
 */
function disjointRoots(roots: Subtree[]): Subtree[] {
  const sorted = [...roots].sort((a, b) => compareOids(a.oid, b.oid));
  return sorted.filter(
    (root, i) => !sorted.slice(0, i).some((earlier) => isOidPrefix(earlier.oid, root.oid)),
  );
}

/** Every credential of the profile as text: what must not appear in the file. */
function secretsOf(profile: AuthProfile): string[] {
  const users = [profile.user, profile.writeUser].filter((u) => u !== undefined);
  return [
    profile.community?.reveal(),
    profile.writeCommunity?.reveal(),
    ...users.flatMap((u) => [u.name, u.authKey?.reveal(), u.privKey?.reveal()]),
  ].filter((s): s is string => s !== undefined && s !== '');
}

function withoutCredentials(
  records: readonly SnmprecRecord[],
  secrets: readonly string[],
): { kept: SnmprecRecord[]; redacted: number; dropped: number } {
  const redactor = createCredentialRedactor(secrets);
  const kept: SnmprecRecord[] = [];
  let redacted = 0;
  let dropped = 0;
  for (const record of records) {
    const verdict = redactor.redact(record);
    if (verdict === 'drop') dropped += 1;
    else if (verdict) {
      redacted += 1;
      kept.push(verdict);
    } else kept.push(record);
  }
  return { kept, redacted, dropped };
}

/** sysDescr and sysObjectID for the header: from the walk, else asked (a walk of other subtrees). */
async function identify(
  records: readonly SnmprecRecord[],
  ask: () => Promise<SnmpResult>,
): Promise<{ sysDescr: string; sysObjectId: string }> {
  const find = (oid: string) => records.find((r) => r.oid === oid)?.value;
  let descr = find(SYS_DESCR);
  let objectId = find(SYS_OBJECT_ID);
  if (!descr || !objectId) {
    const answer = await ask();
    const asked = (oid: string) => answer.varbinds.find((v) => v.oid === oid)?.value;
    const values = [asked(SYS_DESCR), asked(SYS_OBJECT_ID)];
    descr ??= typeof values[0] === 'object' ? values[0] : undefined;
    objectId ??= typeof values[1] === 'object' ? values[1] : undefined;
  }
  return {
    sysDescr: descr?.type === 'OctetString' ? String(descr.value) : 'unknown',
    sysObjectId: objectId?.type === 'ObjectIdentifier' ? objectId.value : 'unknown',
  };
}

function headerLines(
  options: RecordDeviceOptions,
  facts: {
    roots: Subtree[];
    walk: RecordingWalk;
    identity: { sysDescr: string; sysObjectId: string };
    redacted: number;
    dropped: number;
  },
): string[] {
  const { walk, identity } = facts;
  const met = (oid: string): string => (walk.met.has(oid) ? ' (met)' : '');
  return [
    `snmprec recorded by ${options.tool} on ${(options.now ?? new Date()).toISOString()}`,
    `sysDescr: ${identity.sysDescr}`,
    `sysObjectID: ${identity.sysObjectId}`,
    `SNMP version ${options.target.profile.version}; no credential is written (values holding one read "[redacted]")`,
    `walked: ${facts.roots.map((r) => r.text).join(', ')} (GetBulk max-repetitions ${options.maxRepetitions}; GetNext on v1)`,
    `skipped (credentials, access control): ${CREDENTIAL_SUBTREES.map((s) => `${s.oid} ${s.name}${met(s.oid)}`).join(', ')}`,
    ...(options.extraSkips.length > 0
      ? [
          `skipped (--skip): ${options.extraSkips.map((s) => `${subtree(s).text}${met(subtree(s).text)}`).join(', ')}`,
        ]
      : []),
    `redacted values: ${facts.redacted}; dropped varbinds indexed by a credential: ${facts.dropped}`,
    ...(walk.stoppedBy ? [`stopped early: ${walk.stoppedBy}`] : []),
  ];
}
