import { parseInventory, type ParseInventoryOptions } from './parse-inventory.js';
import { assertValidInventory } from './validate-inventory.js';
import type { Inventory } from './inventory-types.js';

/** Parses and validates inventory text; throws ERR_INVENTORY_INVALID listing every bad row. */
export function readInventory(text: string, options: ParseInventoryOptions = {}): Inventory {
  return assertValidInventory(parseInventory(text, options));
}
