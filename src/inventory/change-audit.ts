import type { RecordChange, ResolvedChanges } from './inventory-change.js';
import type { Device, Subscriber } from './inventory-types.js';
import { sameRecord } from './resolve-changes.js';

/** Fields whose old and new values the audit shows: they move a record in the topology. */
const SHOWN = ['kind', 'parentId', 'site', 'deviceIds'];

/**
 * One audit entry per record a batch changed, in the audit trail's shape (`GET /v1/audit`, filtered by
 * deviceId or subscriberId): `inventory.device.created|updated|removed`, who, and which fields changed,
 * with old → new for the ones that move it in the topology. The inventory holds no credentials (rows
 * naming one are refused), so nothing here is secret.
 */
export function changeAuditEntries(resolved: ResolvedChanges, by: string, at: number): string[] {
  const entries: string[] = [];
  const each = <T extends Device | Subscriber>(
    kind: 'device' | 'subscriber',
    records: Map<string, RecordChange<T>>,
  ): void => {
    for (const [id, { before, after }] of records) {
      if (sameRecord(before, after)) continue;
      const what = before === undefined ? 'created' : after === undefined ? 'removed' : 'updated';
      entries.push(
        JSON.stringify({
          at,
          what: `inventory.${kind}.${what}`,
          by,
          [kind === 'device' ? 'deviceId' : 'subscriberId']: id,
          ...(what === 'updated' ? { detail: describeUpdate(before as T, after as T) } : {}),
        }),
      );
    }
  };
  each('device', resolved.devices);
  each('subscriber', resolved.subscribers);
  return entries;
}

/** "parentId: an-0001 → an-0002; model, host": the fields that differ. */
function describeUpdate(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  const shown = changed
    .filter((f) => SHOWN.includes(f))
    .map((f) => `${f}: ${show(before[f])} → ${show(after[f])}`);
  const others = changed.filter((f) => !SHOWN.includes(f));
  return [...shown, ...(others.length > 0 ? [others.join(', ')] : [])].join('; ');
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  const text = Array.isArray(value)
    ? value.join(',')
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
