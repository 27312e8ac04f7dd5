import type { Redis } from 'ioredis';
import type { DeviceStatus } from '../detection/device-status.js';
import type { Incident } from '../correlation/index.js';
import type { Device, InventoryStore } from '../inventory/index.js';
import type { RedisKeys } from '../platform/redis-keys.js';
import { AppError } from '../shared/app-error.js';
import { countStatuses, statusesOf, type StatusCounts } from './device-statuses.js';
import type { SubtreeCache } from './subtree-cache.js';

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
  /** The walks beneath each parent, kept while the inventory holds (one per API process). */
  subtrees: SubtreeCache;
}

/**
 * An incident's tree one level and one page at a time: a 20k-CPE outage is never read whole. A page
 * costs the children's records and the statuses of what lies beneath the parent; the walk beneath it
 * (a level per round trip) is made once per inventory version (SubtreeCache), so a 20k-CPE root's
 * level reads 20k statuses, mostly with one ZMSCORE each, and no topology.
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
  const affected = affectedOf(incident);
  const [node, ...items] = await describeNodes(deps, [parent, ...page.items], affected);
  return {
    incidentId: incident.id,
    path,
    node: node as IncidentTreeNode,
    items,
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

/**
 * The incident's cut-off devices as a set, made once per incident object: the routes keep the incident
 * while the store's version holds (incident-cache.ts), and a 20k-id set costs ~5 ms to build.
 */
const affectedSets = new WeakMap<Incident, ReadonlySet<string>>();
function affectedOf(incident: Incident): ReadonlySet<string> {
  let affected = affectedSets.get(incident);
  if (!affected) affectedSets.set(incident, (affected = new Set(incident.affectedDeviceIds)));
  return affected;
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
  { redis, keys, inventory, subtrees }: IncidentTreeDeps,
  devices: readonly Device[],
  affected: ReadonlySet<string>,
): Promise<IncidentTreeNode[]> {
  const ids = devices.map((d) => d.id);
  const [subtree, children, subscribers, own] = await Promise.all([
    subtrees.get(ids[0] ?? ''),
    inventory.countChildren(ids),
    inventory.countSubscribersOf(ids),
    statusesOf(redis, keys, ids),
  ]);
  // One status read of the parent's subtree serves every node of the page: the children's lie within it.
  const statuses = await statusesOf(redis, keys, subtree.all);
  const below = ids.map((id, i) =>
    i === 0 ? countStatuses(statuses) : countAt(statuses, subtree.belowChild.get(id)),
  );
  return devices.map((device, i) => ({
    id: device.id,
    kind: device.kind,
    ...(device.model ? { model: device.model } : {}),
    ...(device.site ? { site: device.site } : {}),
    status: own[i] ?? 'unknown',
    affected: affected.has(device.id),
    children: children[i] ?? 0,
    subscribers: subscribers[i] ?? 0,
    below: below[i] ?? countAt(statuses, undefined),
  }));
}

/** The statuses at `positions` (none: a leaf), counted. */
function countAt(statuses: readonly DeviceStatus[], positions: Int32Array | undefined): StatusCounts {
  const counts: StatusCounts = { devices: 0, down: 0, degraded: 0, up: 0, unknown: 0 };
  for (const at of positions ?? []) {
    counts[statuses[at] ?? 'unknown'] += 1;
    counts.devices += 1;
  }
  return counts;
}
