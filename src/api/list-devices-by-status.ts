import type { Device, DeviceKind, DevicePage, InventoryStore } from '../inventory/index.js';
import type { DeviceStatusIndex } from '../polling/device-status-index.js';

export interface DevicesByStatusQuery {
  status?: string;
  finding?: string;
  kind?: DeviceKind;
  site?: string;
  parent?: string;
  cursor?: string;
  limit?: number;
}

/** Ids read from the pollers' index for one page before it comes back short, with a cursor to go on. */
const MAX_EXAMINED = 20_000;

/**
 * Devices by what the pollers see (status, open finding), in id order. The pollers' index gives live ids
 * in order; inventory filters apply within them, reading on until the page is full or 20,000 ids were
 * read (then the page is short and nextCursor goes on).
 */
export async function listDevicesByStatus(
  deps: { inventory: InventoryStore; deviceStatus: DeviceStatusIndex },
  query: DevicesByStatusQuery,
): Promise<DevicePage> {
  const { status, finding, kind, site, parent } = query;
  const want = query.limit ?? 100;
  const keep = (d: Device): boolean =>
    (kind === undefined || d.kind === kind) &&
    (site === undefined || d.site === site) &&
    (parent === undefined || d.parentId === parent);
  const items: Device[] = [];
  let from = query.cursor;
  let examined = 0;
  for (;;) {
    const page = await deps.deviceStatus.page(
      { ...(status ? { status } : {}), ...(finding ? { finding } : {}) },
      from,
      want,
    );
    for (const d of await deps.inventory.getDevices(page.ids)) {
      if (d === undefined || !keep(d)) continue;
      items.push(d);
      if (items.length === want) {
        const last = d.id === page.ids[page.ids.length - 1];
        return last && !page.nextCursor ? { items } : { items, nextCursor: d.id };
      }
    }
    if (!page.nextCursor) return { items };
    from = page.nextCursor;
    examined += page.ids.length;
    if (examined >= MAX_EXAMINED) return { items, nextCursor: from };
  }
}
