import type { PollSample } from '../probes/poll-result.js';
import type { DetectionState } from './detection-state.js';
import { interfaceTable, isAdminUp, operState, type InterfaceRow } from './interface-status.js';

/** Key of an interface in `lastStates` and `transitions`, and the subject of its flapping finding. */
export function interfaceKey(ifIndex: string): string {
  return `interfaces.${ifIndex}`;
}

/**
 * The remembered state of an interface:
 * - `up`: oper up;
 * - `went_down`: admin up, oper down, and it was up earlier — a link that was lost;
 * - `down`: down and never seen up since we watch it (most CPE LAN ports: nothing plugged in), or
 *   administratively down (someone meant it).
 */
export type InterfaceMemory = 'up' | 'down' | 'went_down';

function nextMemory(previous: string | undefined, adminUp: boolean, oper: 'up' | 'down'): InterfaceMemory {
  if (oper === 'up') return 'up';
  return adminUp && (previous === 'up' || previous === 'went_down') ? 'went_down' : 'down';
}

/**
 * Remembers each interface's state and records a transition whenever it goes up or down between two
 * samples (for flapping). testing/dormant/unknown change nothing. Interfaces gone from the table are
 * forgotten, so the state does not grow with ifIndex churn (RFC 2863 §3.1.5 lets ifIndex be reused).
 */
export function trackInterfaces(state: DetectionState, sample: PollSample): DetectionState {
  const table = interfaceTable(sample);
  if (!table) return state;

  const lastStates: Record<string, string> = {};
  const transitions: Record<string, number[]> = {};
  // for…in, not Object.entries: no [key, value] pair made per entry, on every poll of every device.
  for (const key in state.lastStates) {
    if (!key.startsWith('interfaces.')) lastStates[key] = state.lastStates[key] as string;
  }
  for (const key in state.transitions) {
    if (!key.startsWith('interfaces.')) transitions[key] = state.transitions[key] as number[];
  }

  for (const ifIndex in table) {
    const row = table[ifIndex] as InterfaceRow;
    const key = interfaceKey(ifIndex);
    const previous = state.lastStates[key];
    const past = state.transitions[key];
    if (past) transitions[key] = past;
    const oper = operState(row);
    if (oper === undefined) {
      if (previous !== undefined) lastStates[key] = previous;
      continue;
    }
    const next = nextMemory(previous, isAdminUp(row), oper);
    lastStates[key] = next;
    if (previous !== undefined && (previous === 'up') !== (next === 'up')) {
      transitions[key] = [...(past ?? []), sample.at];
    }
  }
  return { ...state, lastStates, transitions };
}
