import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiRole } from '../../config/load-config.js';
import {
  inventoryInvalid,
  parseInventoryChanges,
  type ChangeKind,
  type ChangesResult,
  type InventoryChange,
  type InventoryStore,
} from '../../inventory/index.js';
import { AppError } from '../../shared/app-error.js';
import { notModified, writePrecondition } from '../etag-preconditions.js';
import { changesSchema, inventoryEtagSchema, recordSchemas } from '../schemas/inventory-change-schemas.js';
import { registerInventoryParsers } from './inventory-import-routes.js';

export interface InventoryChangeRoutesOptions {
  inventory: InventoryStore;
  /** Called after every write that changed something, with the devices it created (see ApiServices). */
  inventoryChanged?: (createdDeviceIds: string[]) => Promise<void>;
}

// Not an object literal at the call site: the auth plugin declares `roles` on FastifyContextConfig.
const ADMIN: { roles: readonly ApiRole[] } = { roles: ['admin'] };
/** Batches are NDJSON of at most MAX_CHANGES_PER_BATCH lines; 16 MiB leaves each over 1 KiB. */
const BATCH_BODY_LIMIT = 16 * 1024 * 1024;

type Params = { Params: { id: string } };
type Apply = (
  request: FastifyRequest,
  reply: FastifyReply,
  changes: InventoryChange[],
) => Promise<ChangesResult>;

/**
 * The inventory that changes all day: one device or subscriber at a time (PUT replaces, PATCH merges
 * per RFC 7396, DELETE removes) and batches of such changes as NDJSON, each applied atomically under
 * the same validation as a full import (src/inventory/apply-inventory-changes.ts); and the inventory's
 * ETag, which every write answers and honours (If-Match, If-None-Match: 412).
 */
export const inventoryChangeRoutes: FastifyPluginCallback<InventoryChangeRoutesOptions> = (
  app,
  options,
  done,
) => {
  registerInventoryParsers(app, BATCH_BODY_LIMIT);
  app.addContentTypeParser(
    'application/merge-patch+json',
    { parseAs: 'string' },
    (_request, body, parsed) => {
      try {
        parsed(null, JSON.parse(body as string));
      } catch {
        parsed(new AppError('ERR_REQUEST_MALFORMED', 'the body is not valid JSON'), undefined);
      }
    },
  );
  const apply = createApply(options);
  for (const kind of ['device', 'subscriber'] as const)
    registerRecordRoutes(app, options.inventory, apply, kind);
  app.post(
    '/v1/inventory/changes',
    { config: ADMIN, schema: changesSchema, bodyLimit: BATCH_BODY_LIMIT },
    async (request, reply) => {
      const { changes, errors } = parseInventoryChanges(typeof request.body === 'string' ? request.body : '');
      if (errors.length > 0) throw inventoryInvalid(errors);
      return apply(request, reply, changes);
    },
  );
  registerEtagRoutes(app, options.inventory);
  done();
};

/** Applies changes as the caller, answers the new ETag, and tells the pollers when something changed. */
function createApply({ inventory: store, inventoryChanged }: InventoryChangeRoutesOptions): Apply {
  return async (request, reply, changes) => {
    const by = request.principal ? `${request.principal.role}:${request.principal.keyId}` : 'admin';
    const precondition = writePrecondition(request.headers);
    try {
      const result = await store.applyChanges(changes, { by, ...(precondition ? { precondition } : {}) });
      void reply.header('etag', result.etag);
      request.log.info(
        { module: 'inventory', counts: result.counts, changed: result.changed },
        'inventory changed',
      );
      if (result.changed && inventoryChanged) {
        const created = result.changes
          .filter((c) => c.kind === 'device' && c.result === 'created')
          .map((c) => c.id);
        await inventoryChanged(created).catch((error: unknown) =>
          request.log.warn(
            { err: error },
            'could not tell the pollers of an inventory change; they follow at their next sync',
          ),
        );
      }
      return result;
    } catch (error) {
      // A failed precondition answers the tag the inventory has now, as RFC 9110 section 13.1.1 allows.
      if (error instanceof AppError && error.code === 'ERR_INVENTORY_PRECONDITION_FAILED')
        void reply.header('etag', await store.etag());
      throw error;
    }
  };
}

/** PUT, PATCH and DELETE of one device or subscriber: a batch of one, answered as the record now stored. */
function registerRecordRoutes(
  app: FastifyInstance,
  store: InventoryStore,
  apply: Apply,
  kind: ChangeKind,
): void {
  const schemas = recordSchemas(kind);
  const url = `/v1/inventory/${kind}s/:id`;
  const location = (id: string): string => `${kind}s/${id}`;
  const read = (id: string) => (kind === 'device' ? store.getDevice(id) : store.getSubscriber(id));
  const answer = async (reply: FastifyReply, id: string, result: ChangesResult) => {
    const outcome = result.changes[0]?.result;
    return reply.code(outcome === 'created' ? 201 : 200).send({ result: outcome, record: await read(id) });
  };
  app.put<Params>(url, { config: ADMIN, schema: schemas.put }, async (request, reply) => {
    const { id } = request.params;
    const body = request.body as Record<string, unknown>;
    if (body.id !== undefined && body.id !== id)
      throw inventoryInvalid([
        { location: location(id), reason: `"id" ${JSON.stringify(body.id)} differs from the path's "${id}"` },
      ]);
    return answer(
      reply,
      id,
      await apply(request, reply, [{ op: 'upsert', kind, id, body, location: location(id) }]),
    );
  });
  app.patch<Params>(url, { config: ADMIN, schema: schemas.patch }, async (request, reply) => {
    const { id } = request.params;
    if (!(await read(id))) throw notFound(kind, id);
    const body = request.body as Record<string, unknown>;
    return answer(
      reply,
      id,
      await apply(request, reply, [{ op: 'patch', kind, id, body, location: location(id) }]),
    );
  });
  app.delete<Params>(url, { config: ADMIN, schema: schemas.delete }, async (request, reply) => {
    const { id } = request.params;
    const result = await apply(request, reply, [{ op: 'delete', kind, id, location: location(id) }]);
    if (result.changes[0]?.result === 'absent') throw notFound(kind, id);
    return reply.code(204).send();
  });
}

/** GET (the whole inventory) and HEAD (the tag alone), both answering 304 to a matching If-None-Match. */
function registerEtagRoutes(app: FastifyInstance, store: InventoryStore): void {
  app.get(
    '/v1/inventory',
    { config: ADMIN, schema: inventoryEtagSchema, exposeHeadRoute: false },
    async (request, reply) => {
      const etag = await store.etag();
      void reply.header('etag', etag);
      if (notModified(request.headers, etag)) return reply.code(304).send();
      // Read after the tag: a change landing between the two makes the body newer than its tag, so the
      // caller's next conditional request sees a difference and fetches again (never the reverse).
      return store.exportInventory();
    },
  );
  const headSchema = { ...inventoryEtagSchema, summary: "The inventory's ETag alone", response: undefined };
  app.head('/v1/inventory', { config: ADMIN, schema: headSchema }, async (request, reply) => {
    const etag = await store.etag();
    void reply.header('etag', etag);
    return reply.code(notModified(request.headers, etag) ? 304 : 200).send();
  });
}

function notFound(kind: ChangeKind, id: string): AppError {
  return kind === 'device'
    ? new AppError('ERR_DEVICE_NOT_FOUND', `no device "${id}" in the inventory`)
    : new AppError('ERR_SUBSCRIBER_NOT_FOUND', `no subscriber "${id}" in the inventory`);
}
