import { Type, type StaticDecode } from '@sinclair/typebox';

/** The inventory's variable (README "Configuration", "Inventory"). */
export const INVENTORY_ENV = Type.Object({
  // No default here: unset means "the import guard's own default" (0.1), which the CLI also uses offline.
  VIGIL_IMPORT_MAX_REMOVAL_SHARE: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 1,
      description:
        'Share (0..1) of stored devices or subscribers an import may remove without --allow-removals (default 0.1).',
    }),
  ),
});

export type InventoryEnv = StaticDecode<typeof INVENTORY_ENV>;

export function inventoryConfigFromEnv(values: InventoryEnv): { importMaxRemovalShare?: number } {
  const share = values.VIGIL_IMPORT_MAX_REMOVAL_SHARE;
  return share === undefined ? {} : { importMaxRemovalShare: share };
}
