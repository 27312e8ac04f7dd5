import { Type } from '@sinclair/typebox';

/**
 * The longest id the inventory accepts (src/inventory/validate-row.ts, ID_PATTERN): a device,
 * subscriber or site id, and every id Vigil mints (conversations, keys, webhooks, maintenance windows)
 * fits in it too. One limit for every id in a path, so a caller never meets six different ones.
 */
export const ID_MAX_LENGTH = 128;

/**
 * Ids Vigil composes from inventory ids: an incident's `outage:<deviceId>`, a suggestion's
 * `<deviceId>:<kind>:<deviceId>:<finding>`, an action's suggestion id or `noc-reboot:<deviceId>:<ms>`.
 * Room for two inventory ids and the words around them, so no real one is refused.
 */
export const COMPOSED_ID_MAX_LENGTH = 2 * ID_MAX_LENGTH + 144;

/** An id in a path or a query: a device, subscriber, conversation, key, webhook, maintenance window. */
export const Id = Type.String({ minLength: 1, maxLength: ID_MAX_LENGTH });

/** An id made of inventory ids (incidents, suggestions, actions). */
export const ComposedId = Type.String({ minLength: 1, maxLength: COMPOSED_ID_MAX_LENGTH });

/** `{id}` in a path. */
export const IdParams = Type.Object({ id: Id });

/** `{id}` in a path, for an id made of inventory ids. */
export const ComposedIdParams = Type.Object({ id: ComposedId });
