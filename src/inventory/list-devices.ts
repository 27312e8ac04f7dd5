import type { Redis } from 'ioredis';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import { ID_PATTERN } from './validate-row.js';
import { SEPARATOR } from './write-inventory.js';
import { packedIndexKeys, type PackedIndexName } from './packed-index.js';
import { packedRange } from './packed-index-read.js';
import { parseStored } from './stored-record.js';
import type { Device, DeviceKind } from './inventory-types.js';

export interface DeviceFilter {
  kind?: DeviceKind;
  site?: string;
  parentId?: string;
  /** From a previous page's nextCursor. */
  cursor?: string;
  /** 1-1000, default 100. */
  limit?: number;
}

export interface DevicePage {
  items: Device[];
  /** Present when more devices may match; pass it back as `cursor`. */
  nextCursor?: string;
}

export const MAX_PAGE = 1000;

/**
 * Pages through devices in id order. The most selective filter picks the index (parent, then site,
 * then kind, else all ids) and is read from just after the cursor's id (a packed index's buckets, or
 * ZRANGEBYLEX on the ids), so a page costs O(log N + page) at any depth — no offsets that get slower
 * as the NOC scrolls. Other filters are applied to the fetched records. The cursor is the last id of
 * the page, base64url-encoded so clients treat it as opaque.
 */
export async function listDevices(redis: Redis, keys: RedisKeys, filter: DeviceFilter): Promise<DevicePage> {
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new AppError('ERR_INVENTORY_QUERY_INVALID', `limit must be an integer 1-${MAX_PAGE}`);
  }
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  const [index, value]: [PackedIndexName | undefined, string | undefined] =
    filter.parentId !== undefined
      ? ['device-parent', filter.parentId]
      : filter.site !== undefined
        ? ['device-site', filter.site]
        : filter.kind !== undefined
          ? ['device-kind', filter.kind]
          : [undefined, undefined];
  const prefix = value === undefined ? '' : value + SEPARATOR;
  const read = (lastId: string | undefined, count: number): Promise<string[]> =>
    index === undefined || value === undefined
      ? redis.zrangebylex(
          keys.inventoryPart('device-ids'),
          lastId === undefined ? '-' : `(${lastId}`,
          '+',
          'LIMIT',
          0,
          count,
        )
      : packedRange(
          redis,
          packedIndexKeys(keys, index),
          { from: prefix + (lastId ?? ''), after: lastId !== undefined, below: `${value}\u0001` },
          count,
        );
  const matches = (d: Device): boolean =>
    (filter.kind === undefined || d.kind === filter.kind) &&
    (filter.site === undefined || d.site === filter.site) &&
    (filter.parentId === undefined || d.parentId === filter.parentId);

  const found: Device[] = [];
  let lastId = after;
  const batch = Math.max(limit + 1, 200);
  while (found.length <= limit) {
    const members = await read(lastId, batch);
    if (members.length === 0) break;
    const ids = members.map((m) => m.slice(prefix.length));
    const records = await redis.hmget(keys.inventoryPart('device-records'), ...ids);
    for (const [i, json] of records.entries()) {
      if (json === null) continue;
      const device = parseStored<Device>(ids[i] as string, json);
      if (matches(device)) found.push(device);
      if (found.length > limit) break;
    }
    lastId = ids[ids.length - 1];
    if (members.length < batch) break;
  }
  const items = found.slice(0, limit);
  const last = items[items.length - 1];
  return found.length > limit && last
    ? { items, nextCursor: Buffer.from(last.id).toString('base64url') }
    : { items };
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (id === '' || !ID_PATTERN.test(id) || Buffer.from(id).toString('base64url') !== cursor) {
    throw new AppError('ERR_INVENTORY_QUERY_INVALID', 'cursor is not one this API returned');
  }
  return id;
}
