/**
 * Deterministic crash points for the fault drills (`vigil drill kill-steps`), never for production:
 * `VIGIL_FAILPOINTS=reboot:after-claim,…` makes the process SIGKILL itself the moment it reaches a
 * named step, so a drill can prove the step's recovery instead of hoping a random kill lands there.
 * Unset (the default) every failpoint is one Set lookup and nothing else.
 *
 * An entry is `name` (any subject) or `name@subject` (one device, one incident: `reboot:after-set@cpe-00042`,
 * so one drill can aim each step at its own reboot). Armed, each entry fires once across all processes
 * sharing the Redis prefix (SET NX on its key): the process that takes over the work — a restarted one,
 * or another worker picking up the stalled job — passes the same point and carries on, which is what
 * the drill checks.
 *
 * Process-wide state, set once at boot by `vigil serve`: threading a drill-only switch through every
 * factory of the action and advisor paths would cost more than it tells.
 */
export const FAILPOINTS = [
  /** API: the suggestion moved proposed → accepted, no action record or job yet. */
  'reboot:after-accept',
  /** API: the action's job queued, the accept's audit entry and answer not yet written. */
  'reboot:after-enqueue',
  /** Worker: the reboot SET claimed in Redis (setSentAt written), the SET not yet sent. */
  'reboot:after-claim',
  /** Worker: the SET sent and answered, nothing of it recorded yet. */
  'reboot:after-set',
  /** Worker: the device is back after its reboot, its verification polls under way. */
  'reboot:verifying',
  /** Worker (advisor leader): incidents of a step saved and announced, its suggestions not yet planned. */
  'advisor:mid-step',
] as const;

export type FailpointName = (typeof FAILPOINTS)[number];

/** Takes the once-only claim for an armed entry; true for the one process that should die there. */
export type ClaimFailpoint = (entry: string) => Promise<boolean>;

let armed: ReadonlySet<string> = new Set();
let claimOnce: ClaimFailpoint = () => Promise.resolve(true);

/**
 * Parses VIGIL_FAILPOINTS (comma list) and arms the names; returns the problems (unknown names) for
 * the caller to refuse to start with, so a typo never leaves a drill silently unarmed.
 */
export function armFailpoints(raw: string | undefined, claim?: ClaimFailpoint): string[] {
  const names = (raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter(
    (name) => !(FAILPOINTS as readonly string[]).includes(name.split('@')[0] ?? ''),
  );
  if (unknown.length > 0)
    return [`VIGIL_FAILPOINTS: unknown ${unknown.join(', ')}; expected names from ${FAILPOINTS.join(', ')}`];
  armed = new Set(names);
  if (claim) claimOnce = claim;
  return [];
}

export function armedFailpoints(): string[] {
  return [...armed];
}

/**
 * SIGKILLs this process when `name` (or `name@subject`) is armed and not yet fired anywhere; otherwise
 * returns at once.
 */
export async function failpoint(name: FailpointName, subject?: string): Promise<void> {
  if (armed.size === 0) return;
  const entry = [`${name}@${subject ?? ''}`, name].find((e) => armed.has(e));
  if (entry === undefined) return;
  if (!(await claimOnce(entry).catch(() => false))) return;
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is not delivered synchronously on every platform: never run past the point meanwhile.
  await new Promise<never>(() => undefined);
}
