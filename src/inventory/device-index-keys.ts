import { DEVICE_STATUSES } from '../detection/device-status.js';
import { FINDING_KINDS } from '../detection/finding.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/**
 * Every key of one poll shard's device indexes the pollers keep (src/polling/device-status-index.ts):
 * the status sets, `unknown` first, then the finding sets and the answered-at set. An inventory import
 * removes the devices it drops from all of them, shard by shard after its switch (shard-index-changes.ts).
 */
export function deviceIndexKeys(keys: RedisKeys, shard: number): string[] {
  return [
    ...DEVICE_STATUSES.map((status) => keys.devicesByStatus(status, shard)),
    ...FINDING_KINDS.map((kind) => keys.devicesByFinding(kind, shard)),
    // Not a status set: the import and heal() only drop removed devices from it.
    keys.devicesAnsweredAt(shard),
  ];
}
