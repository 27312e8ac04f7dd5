import type { SubjectRef } from './detector.js';
import { findingId } from './finding.js';

/**
 * The conditions a device's own trap named, in detection's words: a linkDown of ifIndex 1 names
 * `wan_down:1` and `interface_down:1` (which of the two it is, only the poll can tell). The trap is the
 * first of the two sightings the hysteresis waits for, so a condition it named that this poll shows
 * opens at once. It is never a sighting on its own: the sender's address and community can be forged,
 * so a named condition the poll does not show opens nothing, and one no trap named still waits for
 * openAfterPolls polls in a row.
 */
export type TrapNamed = readonly SubjectRef[];

/** The finding ids the trap named on this device: those the hysteresis opens at the first sighting. */
export function namedIds(deviceId: string, named: TrapNamed | undefined): ReadonlySet<string> {
  return new Set((named ?? []).map((ref) => findingId(deviceId, ref.kind, ref.subject)));
}
