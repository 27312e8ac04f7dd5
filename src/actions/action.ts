import type { SuggestionKind } from '../playbooks/index.js';

export type ActionState = 'queued' | 'running' | 'succeeded' | 'failed';

/** An accepted suggestion (or a NOC reboot) being carried out, exactly once; its record is its audit. */
export interface ActionRecord {
  /** The suggestion's id for an accepted suggestion; `noc-reboot:<deviceId>:<ms>` for a NOC reboot. */
  id: string;
  kind: SuggestionKind;
  deviceId: string;
  suggestionId?: string;
  conversationId?: string;
  subscriberIds: string[];
  /** `agent:<agentId>` or `<role>:<keyId>` (never a token). */
  requestedBy: string;
  requestedAt: number;
  state: ActionState;
  startedAt?: number;
  finishedAt?: number;
  /**
   * remote_reboot: when the SET was claimed and went out. Set once: a job that runs again sends it again
   * only when the device proves it never arrived (see set-never-reached.ts), as `setResentAt`.
   */
  setSentAt?: number;
  /** remote_reboot: when the SET went out again after its first sender died before sending it. */
  setResentAt?: number;
  /**
   * A NOC reboot (no suggestion behind it): the device's findings open when it started, which its
   * verification expects cleared, as an accepted reboot's expects its suggestion's causes.
   */
  causeFindingIds?: string[];
  /** technician_visit: the field service's ticket. */
  ticketId?: string;
  outcome?: ActionOutcome;
}

export interface ActionOutcome {
  result: 'succeeded' | 'failed';
  /** For people: "device back after 9 s, uptime 3 s, stale_uptime and error_rate cleared". */
  reason: string;
  /** failed: what the playbooks suggest next (the advisor proposes it; e.g. technician_visit). */
  escalation?: SuggestionKind;
  /** remote_reboot: whether the findings that caused it cleared (unknown when the device never came back). */
  findingCleared?: boolean;
}

/** The action as events and the API show it. */
export function actionView(action: ActionRecord): Record<string, unknown> {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return {
    ...action,
    requestedAt: iso(action.requestedAt),
    ...(action.startedAt !== undefined ? { startedAt: iso(action.startedAt) } : {}),
    ...(action.finishedAt !== undefined ? { finishedAt: iso(action.finishedAt) } : {}),
    ...(action.setSentAt !== undefined ? { setSentAt: iso(action.setSentAt) } : {}),
    ...(action.setResentAt !== undefined ? { setResentAt: iso(action.setResentAt) } : {}),
  };
}
