import { AppError } from '../shared/app-error.js';
import { findTopologyCycles } from './find-topology-cycles.js';
import { validateDeviceRow, validateSiteRow, validateSubscriberRow } from './validate-row.js';
import type {
  Device,
  Inventory,
  InventoryRow,
  ParsedInventory,
  RowError,
  Site,
  Subscriber,
} from './inventory-types.js';

export interface ValidationResult {
  inventory: Inventory;
  /** Every problem found, syntax and rows and cross-row references, ordered by location. */
  errors: RowError[];
}

/**
 * Checks each row's fields, then what no single row can tell: duplicate ids and accounts, a device's
 * parent, site and a subscriber's devices that name nothing in the file, and cycles in the topology.
 * A full import replaces the whole inventory, so references resolve against the file alone. Every
 * error is collected, so one run of `vigil inventory import --dry-run` lists them all.
 */
export function validateInventory(parsed: ParsedInventory): ValidationResult {
  const errors: RowError[] = [...parsed.errors];
  const sites = validRows(parsed.rows.sites, validateSiteRow, errors);
  const devices = validRows(parsed.rows.devices, validateDeviceRow, errors);
  const subscribers = validRows(parsed.rows.subscribers, validateSubscriberRow, errors);

  uniqueIds('site', sites, errors);
  uniqueIds('device', devices, errors);
  uniqueIds('subscriber', subscribers, errors);
  // References resolve against every declared id, valid row or not, so one bad device row is one
  // error, not one more for each of its children and subscribers.
  const siteIds = declaredIds(parsed.rows.sites);
  const deviceIds = declaredIds(parsed.rows.devices);

  checkDeviceReferences(devices, { siteIds, deviceIds }, errors);
  checkSubscriberReferences(subscribers, { siteIds, deviceIds }, errors);

  const inventory: Inventory = {
    sites: sites.map((s) => s.record),
    devices: devices.map((d) => d.record),
    subscribers: subscribers.map((s) => s.record),
  };
  return { inventory, errors: sortByLocation(errors) };
}

/** Every id the file declares, valid row or not. */
interface DeclaredIds {
  siteIds: Set<string>;
  deviceIds: Set<string>;
}

/** A device's site and parent name something in the file, and the parents form no loop. */
function checkDeviceReferences(devices: Checked<Device>[], declared: DeclaredIds, errors: RowError[]): void {
  const parentOf = new Map<string, string>();
  const locationOf = new Map<string, string>();
  for (const { row, record } of devices) {
    locationOf.set(record.id, row.location);
    if (record.site !== undefined && !declared.siteIds.has(record.site)) {
      errors.push({
        location: row.location,
        reason: `site "${record.site}" is not in the inventory's sites`,
      });
    }
    if (record.parentId === null) continue;
    if (!declared.deviceIds.has(record.parentId))
      errors.push({
        location: row.location,
        reason: `parentId "${record.parentId}" names no device in the inventory`,
      });
    else parentOf.set(record.id, record.parentId);
  }
  for (const cycle of findTopologyCycles(parentOf)) {
    const loop = [...cycle, cycle[0]].join(' → ');
    for (const id of cycle)
      errors.push({ location: locationOf.get(id) ?? id, reason: `topology cycle: ${loop}` });
  }
}

/** A subscriber's site and devices name something in the file, and no two share an account. */
function checkSubscriberReferences(
  subscribers: Checked<Subscriber>[],
  declared: DeclaredIds,
  errors: RowError[],
): void {
  const accounts = new Map<string, string>();
  for (const { row, record } of subscribers) {
    if (record.site !== undefined && !declared.siteIds.has(record.site)) {
      errors.push({
        location: row.location,
        reason: `site "${record.site}" is not in the inventory's sites`,
      });
    }
    for (const id of record.deviceIds) {
      if (!declared.deviceIds.has(id))
        errors.push({
          location: row.location,
          reason: `deviceIds names "${id}", which is no device in the inventory`,
        });
    }
    if (record.account === undefined) continue;
    const first = accounts.get(record.account);
    if (first !== undefined)
      errors.push({
        location: row.location,
        reason: `account "${record.account}" already belongs to the subscriber at ${first}`,
      });
    else accounts.set(record.account, row.location);
  }
}

/** Validates, or throws ERR_INVENTORY_INVALID whose `details` lists every {location, reason}. */
export function assertValidInventory(parsed: ParsedInventory): Inventory {
  const { inventory, errors } = validateInventory(parsed);
  if (errors.length > 0) throw inventoryInvalid(errors);
  return inventory;
}

/** ERR_INVENTORY_INVALID (HTTP 422) listing every {location, reason}. */
export function inventoryInvalid(errors: RowError[]): AppError {
  return new AppError(
    'ERR_INVENTORY_INVALID',
    `inventory has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was stored`,
    { details: errors },
  );
}

interface Checked<T> {
  row: InventoryRow;
  record: T;
}

function validRows<T>(
  rows: InventoryRow[],
  validate: (row: InventoryRow, errors: RowError[]) => T | undefined,
  errors: RowError[],
): Checked<T>[] {
  const valid: Checked<T>[] = [];
  for (const row of rows) {
    const record = validate(row, errors);
    if (record !== undefined) valid.push({ row, record });
  }
  return valid;
}

function declaredIds(rows: InventoryRow[]): Set<string> {
  const ids = new Set<string>();
  for (const { value } of rows) if (typeof value.id === 'string') ids.add(value.id);
  return ids;
}

/** Reports each repeated id at its later rows; returns every id seen (the first row of each wins). */
function uniqueIds(what: string, rows: Checked<Site | Device | Subscriber>[], errors: RowError[]): void {
  const first = new Map<string, string>();
  for (const { row, record } of rows) {
    const earlier = first.get(record.id);
    if (earlier !== undefined)
      errors.push({
        location: row.location,
        reason: `duplicate ${what} id "${record.id}" (first at ${earlier})`,
      });
    else first.set(record.id, row.location);
  }
}

const ENTITY_ORDER: Record<string, number> = { sites: 1, devices: 2, subscribers: 3 };

/** "line 9" before "line 10"; "devices[2]" before "devices[10]"; document-level errors first. */
function sortByLocation(errors: RowError[]): RowError[] {
  const rank = (location: string): number => {
    const line = /^line (\d+)$/.exec(location);
    if (line) return Number(line[1]);
    const indexed = /^(\w+)\[(\d+)\]$/.exec(location);
    if (indexed) return (ENTITY_ORDER[indexed[1] ?? ''] ?? 4) * 1e9 + Number(indexed[2]);
    return 0;
  };
  return errors
    .map((error, order) => ({ error, order, rank: rank(error.location) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map(({ error }) => error);
}
