import type { MissingAuthProfile } from '../inventory/index.js';
import type { Inventory, InventoryFormat } from '../inventory/inventory-types.js';

/** What `vigil inventory import` flags mean to each of its steps. */
export interface ImportFlags {
  format?: InventoryFormat;
  dryRun?: boolean;
  allowRemovals?: boolean;
  json?: boolean;
}

/** A file that parsed and validated: what the dry run and the import both start from. */
export interface ValidFile {
  file: string;
  format: InventoryFormat;
  valid: Inventory;
  rows: { sites: number; devices: number; subscribers: number };
}

export function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Devices whose auth profile has no credentials here are never polled: say so, naming the variables. */
export function printMissing(missing: MissingAuthProfile[]): void {
  for (const m of missing) process.stderr.write(`warning: ${m.message}\n`);
}
