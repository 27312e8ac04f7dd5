/**
 * The inventory's record shapes: what `vigil inventory import` and `PUT /v1/inventory` accept, what the
 * store keeps and what queries return. Extra fields on any record are allowed and kept as given.
 */
export const DEVICE_KINDS = ['cpe', 'access_node', 'base_station'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const INVENTORY_FORMATS = ['json', 'ndjson', 'csv'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

/** SNMP's well-known agent port (RFC 3417 section 3). */
export const DEFAULT_SNMP_PORT = 161;

export interface Site {
  id: string;
  name: string;
  /** IANA time zone ("Europe/Moscow"): when SMS quiet hours fall for the site's subscribers. */
  timeZone?: string;
  [extra: string]: unknown;
}

export interface Device {
  id: string;
  kind: DeviceKind;
  /** The upstream device (a CPE's access node or base station); null for a root. */
  parentId: string | null;
  site?: string;
  model?: string;
  /** Probe profile name, e.g. "cpe-router" (probes/*.yaml). */
  profile: string;
  host: string;
  port: number;
  /** Auth profile name; its credentials live in VIGIL_SNMP_<NAME>_* env variables, never here. */
  auth: string;
  [extra: string]: unknown;
}

export interface Subscriber {
  id: string;
  name?: string;
  account?: string;
  /** Normalized: "+" then digits only (see normalizePhone). */
  phone?: string;
  deviceIds: string[];
  site?: string;
  language?: string;
  /** True when the subscriber asked not to be sent outage SMS. */
  smsOptOut?: boolean;
  [extra: string]: unknown;
}

export interface Inventory {
  sites: Site[];
  devices: Device[];
  subscribers: Subscriber[];
}

export type InventoryEntity = keyof Inventory;
export const INVENTORY_ENTITIES: readonly InventoryEntity[] = ['sites', 'devices', 'subscribers'];

/** One record as read from a file, before validation, with where it came from. */
export interface InventoryRow {
  /** "devices[12]" for JSON, "line 14" for NDJSON and CSV. */
  location: string;
  value: Record<string, unknown>;
}

export type InventoryRows = Record<InventoryEntity, InventoryRow[]>;

/** A problem with one row (or with the document itself), reported with every other one at once. */
export interface RowError {
  location: string;
  reason: string;
}

export interface ParsedInventory {
  format: InventoryFormat;
  rows: InventoryRows;
  errors: RowError[];
}

export interface EntityCounts {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

export type ImportCounts = Record<InventoryEntity, EntityCounts>;

export interface InventoryCounts {
  sites: number;
  devices: number;
  subscribers: number;
  devicesByKind: Record<DeviceKind, number>;
}

export function emptyRows(): InventoryRows {
  return { sites: [], devices: [], subscribers: [] };
}
