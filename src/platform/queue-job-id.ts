/**
 * A BullMQ custom job id built from what the job means, safe for any id the inventory allows.
 *
 * BullMQ refuses custom ids that contain ':' (its own key separator) or read as an integer (they would
 * collide with its generated ids) — `Job.validateOptions` in bullmq/src/classes/job.ts. Inventory ids
 * may hold any non-whitespace character (src/inventory/validate-row.ts), so every part taken from data
 * is base64url-encoded (RFC 4648 §5: `A–Z a–z 0–9 - _`, no ':'); numbers (seconds, versions) stay
 * decimal. The kind comes first and is followed by '-', parts are joined by '.', a character base64url
 * never uses: two different (kind, parts) never give the same id, and `action-<base64url(id)>`, the
 * form action jobs always had, is unchanged.
 */
export function queueJobId(kind: JobKind, ...parts: readonly (string | number)[]): string {
  const encoded = parts.map((part) =>
    typeof part === 'number' ? String(Math.trunc(part)) : Buffer.from(part, 'utf8').toString('base64url'),
  );
  return `${kind}-${encoded.join('.')}`;
}

/**
 * Every kind of custom job id in Vigil. Lower case and '_' only, so no kind followed by '-' is the
 * start of another kind's id.
 */
export type JobKind = 'action' | 'trap' | 'trap_confirm' | 'outage_check' | 'announced';
