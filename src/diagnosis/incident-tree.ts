import type { Redis } from 'ioredis';
import type { DeviceStatus } from '../detection/device-status.js';
import type { Incident } from '../correlation/index.js';
import type { Device, InventoryStore } from '../inventory/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import { countStatuses, statusesOf, type StatusCounts } from './device-statuses.js';

/** One device of an incident's tree, collapsed: what it is, how it is, and what lies beneath it. */
export interface IncidentTreeNode {
  id: string;
  kind: Device['kind'];
  model?: string;
  site?: string;
  status: DeviceStatus;
  /** Listed by the incident as cut off (the root, or unreachable below it). */
  affected: boolean;
  /** Direct children: what expanding it lists. */
  children: number;
  /** Subscribers linked to this device itself. */
  subscribers: number;
  /** Every device beneath it, by status (the node itself not counted). */
  below: StatusCounts;
}

/** One level of the tree: a node and one page of its children. */
export interface IncidentTreeLevel {
  incidentId: string;
  /** From the incident's root down to `node` (ids), so a client can draw the way back up. */
  path: string[];
  node: IncidentTreeNode;
  items: IncidentTreeNode[];
  nextCursor?: string;
}

export interface IncidentTreeQuery {
  /** The node whose children to list; the incident's root when absent. */
  parent?: string;
  cursor?: string;
  limit: number;
}

export interface IncidentTreeDeps {
  redis: Redis;
  keys: RedisKeys;
  inventory: InventoryStore;
}

/**
 * An incident's tree one level and one page at a time: a 20k-CPE outage is never read whole. A page
 * costs the children's records, their statuses and one walk beneath them (a level per round trip), so
 * expanding a leaf-filled node reads a page of leaves, and an access node's page reads what it holds.
 */
export async function incidentTreeLevel(
  deps: IncidentTreeDeps,
  incident: Incident,
  query: IncidentTreeQuery,
): Promise<IncidentTreeLevel> {
  const parentId = query.parent ?? incident.rootDeviceId;
  const path = await pathFromRoot(deps.inventory, incident, parentId);
  const [parent] = await deps.inventory.getDevices([parentId]);
  if (!parent) throw new AppError('ERR_DEVICE_NOT_FOUND', `no device "${parentId}" in the inventory`);
  const page = await deps.inventory.listDevices({
    parentId,
    limit: query.limit,
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  });
  const affected = new Set(incident.affectedDeviceIds);
  const [node, ...items] = await describeNodes(deps, [parent, ...page.items], affected);
  return {
    incidentId: incident.id,
    path,
    node: node as IncidentTreeNode,
    items,
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

/** The root's id down to `deviceId`; 404 when the device is not beneath the incident's root. */
async function pathFromRoot(
  inventory: InventoryStore,
  incident: Incident,
  deviceId: string,
): Promise<string[]> {
  if (deviceId === incident.rootDeviceId) return [deviceId];
  const ancestors = (await inventory.ancestors(deviceId)).map((d) => d.id);
  const rootAt = ancestors.indexOf(incident.rootDeviceId);
  if (rootAt < 0)
    throw new AppError('ERR_DEVICE_NOT_FOUND', `device "${deviceId}" is not beneath ${incident.id}'s root`);
  return [...ancestors.slice(0, rootAt + 1).reverse(), deviceId];
}

async function describeNodes(
  { redis, keys, inventory }: IncidentTreeDeps,
  devices: readonly Device[],
  affected: ReadonlySet<string>,
): Promise<IncidentTreeNode[]> {
  const ids = devices.map((d) => d.id);
  const [subtree, children, subscribers, own] = await Promise.all([
    inventory.subtreeOf(ids[0] ?? ''),
    inventory.countChildren(ids),
    inventory.countSubscribersOf(ids),
    statusesOf(redis, keys, ids),
  ]);
  // The parent's subtree holds its children's: one status read of it serves every node of the page.
  const allStatuses = await statusesOf(redis, keys, subtree.all);
  const statusOf = new Map(subtree.all.map((id, i) => [id, allStatuses[i] ?? 'unknown']));
  const below = ids.map((id, i) => (i === 0 ? subtree.all : (subtree.belowChild.get(id) ?? [])));
  return devices.map((device, i) => ({
    id: device.id,
    kind: device.kind,
    ...(device.model ? { model: device.model } : {}),
    ...(device.site ? { site: device.site } : {}),
    status: own[i] ?? 'unknown',
    affected: affected.has(device.id),
    children: children[i] ?? 0,
    subscribers: subscribers[i] ?? 0,
    below: countStatuses((below[i] ?? []).map((id) => statusOf.get(id) ?? 'unknown')),
  }));
}
