/** The audit trail (src/actions/action-store.ts) and the history index over it (src/actions/audit-history-index.ts). */
export interface AuditKeys {
  /** Stream of the audit trail: every accept, dismiss, action and its outcome (capped). */
  audit(): string;
  /** Sorted set audit entry id → its `at`: one subscriber's entries that start a history item (capped). */
  auditOfSubscriber(subscriberId: string): string;
  /** The same of one device: read for every subscriber it serves, so a shared device is indexed once. */
  auditOfDevice(deviceId: string): string;
  /** String: the id of the first audit entry written with the index; no index holds an older entry. */
  auditIndexedSince(): string;
}

/** The builders, over the installation's `k(...)` (its hash tag: every key here is core). */
export const auditKeys = (k: (...parts: string[]) => string): AuditKeys => ({
  audit: () => k('audit'),
  auditOfSubscriber: (subscriberId) => k('audit', 'subscriber', subscriberId),
  auditOfDevice: (deviceId) => k('audit', 'device', deviceId),
  auditIndexedSince: () => k('audit', 'indexed-since'),
});
