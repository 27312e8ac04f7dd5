import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isAppError } from '../shared/app-error.js';
import { FAULT_KINDS, isFaultKind } from './fault-kinds.js';
import type { Simulator } from './simulator.js';

const STATUS_BY_CODE: Record<string, number> = {
  ERR_SIM_DEVICE_NOT_FOUND: 404,
  ERR_SIM_FAULT_INVALID: 400,
};

/**
 * The simulator's control API: list devices, read one as a manager would see it, add and remove
 * faults, reboot. For tests, the demo and people exploring; it binds to loopback only.
 */
export function buildControlApi(simulator: Simulator): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.setErrorHandler(sendProblem);
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/stats', () => simulator.stats());
  app.get<{ Querystring: DeviceQuery }>('/devices', (request) => listDevices(simulator, request.query));
  app.get<{ Params: { id: string } }>('/devices/:id', (request) => simulator.snapshot(request.params.id));
  registerFaultRoutes(app, simulator);
  app.post<{ Params: { id: string } }>('/devices/:id/reboot', (request) => {
    simulator.reboot(request.params.id);
    return simulator.snapshot(request.params.id);
  });
  return app;
}

/** Errors as RFC 9457 problem+json, a simulator error's code kept. */
function sendProblem(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const status = isAppError(error)
    ? (STATUS_BY_CODE[error.code] ?? 500)
    : ((error as { statusCode?: number }).statusCode ?? 500);
  void reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: 'about:blank',
      title: status === 404 ? 'Not Found' : status < 500 ? 'Bad Request' : 'Internal Server Error',
      status,
      detail: status < 500 ? error.message : 'internal error',
      instance: request.url,
      ...(isAppError(error) ? { code: error.code } : {}),
    });
}

type DeviceQuery = { kind?: string; faulty?: string; limit?: string; offset?: string };

function listDevices(simulator: Simulator, query: DeviceQuery) {
  const { kind, faulty } = query;
  const limit = Math.min(Number(query.limit ?? 1000) || 1000, 100_000);
  const offset = Number(query.offset ?? 0) || 0;
  const matching = simulator.devices.filter(
    (d) => (kind === undefined || d.kind === kind) && (faulty !== 'true' || d.faults.length > 0),
  );
  return {
    total: matching.length,
    devices: matching.slice(offset, offset + limit).map((d) => ({
      id: d.id,
      kind: d.kind,
      model: d.modelLabel,
      host: d.host,
      port: d.port,
      parentId: d.parentIndex >= 0 ? simulator.devices[d.parentIndex]?.id : null,
      faults: d.faults.map((f) => f.kind),
    })),
  };
}

/** Add a fault, remove a device's faults, remove one kind of fault. */
function registerFaultRoutes(app: FastifyInstance, simulator: Simulator): void {
  app.post<{ Params: { id: string }; Body: { kind: string } & Record<string, unknown> }>(
    '/devices/:id/faults',
    {
      schema: {
        body: {
          type: 'object',
          required: ['kind'],
          properties: { kind: { type: 'string', enum: [...FAULT_KINDS] } },
        },
      },
    },
    async (request, reply) => {
      const { kind, ...params } = request.body;
      if (!isFaultKind(kind)) throw new Error('unreachable: schema checked kind');
      simulator.addFault(request.params.id, kind, params);
      return reply.status(201).send(simulator.snapshot(request.params.id));
    },
  );
  app.delete<{ Params: { id: string } }>('/devices/:id/faults', (request) => ({
    removed: simulator.removeFaults(request.params.id),
  }));
  app.delete<{ Params: { id: string; kind: string } }>('/devices/:id/faults/:kind', (request) => {
    const { id, kind } = request.params;
    if (!isFaultKind(kind)) {
      const error = new Error(`unknown fault kind "${kind}" (known: ${FAULT_KINDS.join(', ')})`) as Error & {
        statusCode: number;
      };
      error.statusCode = 400;
      throw error;
    }
    return { removed: simulator.removeFaults(id, kind) };
  });
}
