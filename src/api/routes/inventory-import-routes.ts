import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiRole } from '../../config/load-config.js';
import {
  assertValidInventory,
  inventoryFromDocument,
  inventoryInvalid,
  missingAuthProfiles,
  parseInventory,
  tooDeepInDocument,
  type InventoryFormat,
  type InventoryStore,
} from '../../inventory/index.js';
import { AppError } from '../../shared/app-error.js';
import { writePrecondition } from '../etag-preconditions.js';
import { importSchema } from '../schemas/inventory-import-schemas.js';

export interface InventoryImportRoutesOptions {
  inventory: InventoryStore;
  /** Largest inventory upload; 100k devices as JSON is ~30 MiB. */
  bodyLimitBytes?: number;
  /** Auth profiles with credentials in this process's environment: an import warns of the others. */
  authProfiles?: { has(name: string): boolean };
  /** Share of stored devices or subscribers an import may remove without ?allowRemovals=true (default 0.1). */
  maxRemovalShare?: number;
  /** Called after an import that changed something (see ApiServices.inventoryChanged). */
  inventoryChanged?: (createdDeviceIds: string[]) => Promise<void>;
}

/** Raw-text inventory formats accepted besides application/json. */
const TEXT_FORMATS: Record<string, InventoryFormat> = {
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'text/csv': 'csv',
};

// Not an object literal at the call site: the auth plugin declares `roles` on FastifyContextConfig.
const ADMIN: { roles: readonly ApiRole[] } = { roles: ['admin'] };

/**
 * Inventory import: PUT replaces the whole inventory (JSON, NDJSON or CSV body) and answers what
 * changed; re-sending the same inventory changes nothing. Errors are AppErrors mapped to problem+json
 * by the app's error handler: 422 ERR_INVENTORY_INVALID lists every bad row.
 */
export const inventoryImportRoutes: FastifyPluginCallback<InventoryImportRoutesOptions> = (
  app,
  options,
  done,
) => {
  const store = options.inventory;
  const bodyLimit = options.bodyLimitBytes ?? 64 * 1024 * 1024;
  registerInventoryParsers(app, bodyLimit);

  app.put<{ Querystring: { allowRemovals?: boolean } }>(
    '/v1/inventory',
    { config: ADMIN, bodyLimit, schema: importSchema },
    async (request, reply) => answerWithEtag(store, reply, () => importInventory(request)),
  );

  /** Parses the body by its media type, validates every row, stores it in one switch, warns of missing profiles. */
  async function importInventory(request: FastifyRequest<{ Querystring: { allowRemovals?: boolean } }>) {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const format = TEXT_FORMATS[mediaType];
    const parsed =
      format !== undefined && typeof request.body === 'string'
        ? parseInventory(request.body, { format })
        : inventoryFromDocument(request.body);
    const inventory = assertValidInventory(parsed);
    const precondition = writePrecondition(request.headers);
    const result = await store.importInventory(inventory, {
      allowRemovals: request.query.allowRemovals === true,
      ...(precondition ? { precondition } : {}),
      ...(options.maxRemovalShare !== undefined ? { maxRemovalShare: options.maxRemovalShare } : {}),
    });
    request.log.info(
      { module: 'inventory', counts: result.counts, changed: result.changed },
      'inventory imported',
    );
    const rows = {
      sites: inventory.sites.length,
      devices: inventory.devices.length,
      subscribers: inventory.subscribers.length,
    };
    const warnings = options.authProfiles
      ? missingAuthProfiles(inventory.devices, options.authProfiles).map((m) => ({
          code: 'auth_profile_missing',
          ...m,
        }))
      : [];
    // The pollers' schedule follows at once; a full import's new devices wait for their slot.
    if (result.changed && options.inventoryChanged)
      await options
        .inventoryChanged([])
        .catch((error: unknown) =>
          request.log.warn(
            { err: error },
            'could not tell the pollers of an inventory change; they follow at their next sync',
          ),
        );
    return { etag: result.etag, body: { changed: result.changed, rows, counts: result.counts, warnings } };
  }

  done();
};

/** The import's answer with the inventory's ETag; a failed precondition answers the tag it has now (RFC 9110 section 13.1.1). */
async function answerWithEtag(
  store: InventoryStore,
  reply: FastifyReply,
  run: () => Promise<{ etag: string; body: unknown }>,
) {
  try {
    const answer = await run();
    void reply.header('etag', answer.etag);
    return answer.body;
  } catch (error) {
    if (error instanceof AppError && error.code === 'ERR_INVENTORY_PRECONDITION_FAILED')
      void reply.header('etag', await store.etag());
    throw error;
  }
}

/**
 * In this plugin's scope only: NDJSON and CSV as text, and a JSON inventory checked for nesting before
 * it is parsed, since parsing a 20 MB run of "[" alone costs seconds and hundreds of MB (see
 * findDeepNesting). Too deep is a 422 naming the rows, like any invalid inventory; the rest is
 * Fastify's own parser.
 */
export function registerInventoryParsers(
  app: Parameters<typeof inventoryImportRoutes>[0],
  bodyLimit: number,
): void {
  app.addContentTypeParser(
    Object.keys(TEXT_FORMATS),
    { parseAs: 'string', bodyLimit },
    (_request, body, parsed) => parsed(null, body),
  );
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const tooDeep = tooDeepInDocument(body as string);
    if (tooDeep.length > 0) done(inventoryInvalid(tooDeep), undefined);
    else void parseJson(request, body as string, done);
  });
}
