/**
 * The inventory's public face: record types, parsing and validation (pure), and the Redis store.
 * Other modules import from here, never from the files behind it.
 */
export * from './inventory-types.js';
export { parseInventory, detectInventoryFormat, type ParseInventoryOptions } from './parse-inventory.js';
export { inventoryFromDocument, tooDeepInDocument } from './parse-inventory-json.js';
export {
  validateInventory,
  assertValidInventory,
  inventoryInvalid,
  type ValidationResult,
} from './validate-inventory.js';
export { INVENTORY_LIMITS } from './inventory-limits.js';
export { readInventory } from './read-inventory.js';
export { normalizePhone } from './normalize-phone.js';
export {
  missingAuthProfiles,
  authProfileVariables,
  type MissingAuthProfile,
} from './missing-auth-profiles.js';
export { createInventoryStore, type InventoryStore, type InventoryStoreDeps } from './inventory-store.js';
export type { ImportResult, ImportOptions } from './import-inventory.js';
export { diffFingerprints, SAMPLE_IDS, type InventoryDiff, type ChangeSamples } from './diff-inventory.js';
export {
  DEFAULT_MAX_REMOVAL_SHARE,
  removalsOverShare,
  describeExcess,
  type RemovalExcess,
} from './removal-guard.js';
export type { DeviceFilter, DevicePage } from './list-devices.js';
export * from './inventory-change.js';
export type { ChangeOptions } from './apply-inventory-changes.js';
export { parseInventoryChanges, type ParsedChanges } from './parse-inventory-changes.js';
