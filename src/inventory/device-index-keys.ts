import { DEVICE_STATUSES } from '../detection/device-status.js';
import { FINDING_KINDS } from '../detection/finding.js';
import type { RedisKeys } from '../platform/redis-keys.js';

/**
 * Every key of the device indexes the pollers keep (src/polling/device-status-index.ts): the status
 * sets, `unknown` first, then the finding sets. An inventory import removes the devices it drops from
 * all of them in its switch (write-inventory.ts).
 */
export function deviceIndexKeys(keys: RedisKeys): string[] {
  return [
    ...DEVICE_STATUSES.map((status) => keys.devicesByStatus(status)),
    ...FINDING_KINDS.map((kind) => keys.devicesByFinding(kind)),
    // Not a status set: the import's switch and heal() only drop removed devices from it.
    keys.devicesAnsweredAt(),
    keys.devicesSilenceConfirmedAt(),
  ];
}
