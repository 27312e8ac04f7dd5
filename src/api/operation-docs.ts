import type { FastifyInstance, RouteOptions } from 'fastify';
import { API_ROLES } from '../config/load-config.js';
import { HTTP_CODES } from './problem-catalogue.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { problemExample, problemResponses, type ProblemResponse } from './problem-responses.js';

/** The OpenAPI extension naming the roles an operation admits (set by auth.ts). */
export const ROLES_EXTENSION = 'x-roles';

type Schema = Record<string, unknown> & { response?: Record<string, unknown> };

/**
 * Completes each operation of the OpenAPI document from what the app itself enforces, so the page
 * integrators read cannot disagree with the server: an operationId; a line naming the roles (or "public");
 * and the problems every route can answer before its handler runs — 400 for a body, query or path that
 * fails the schema, 401 without a valid key, 403 for a role the route does not admit, 429 past a rate
 * limit, 503 while Redis is away — each with a real example. Registered after auth, whose onRoute hook
 * writes the roles and security this one reads.
 */
export function registerOperationDocs(app: FastifyInstance): void {
  app.addHook('onRoute', documentOperation);
}

function documentOperation(route: RouteOptions): void {
  const schema = (route.schema ?? {}) as Schema;
  if (schema.hide === true) return;
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) ?? 'GET';
  if (method === 'HEAD') return;
  const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const isPublic = route.config?.public === true;
  const roles = (schema[ROLES_EXTENSION] as string[] | undefined) ?? [];
  const access = isPublic
    ? '**Public:** no API key needed.'
    : `**Roles:** ${roles.map((r) => `\`${r}\``).join(', ')} (\`Authorization: Bearer <API key>\`).`;
  const description =
    typeof schema.description === 'string' ? `${schema.description}\n\n${access}` : undefined;

  const defaults: Record<number, ProblemResponse> = {};
  const add = (responses: Record<number, ProblemResponse>) => {
    for (const [status, response] of Object.entries(responses)) defaults[Number(status)] = response;
  };
  if (schema.body !== undefined || schema.querystring !== undefined || schema.params !== undefined)
    add(invalidRequest(path, schema.body !== undefined));
  if (!isPublic) {
    add(
      problemResponses(path, [
        [HTTP_CODES.authMissing, 'This route needs an API key: send "Authorization: Bearer <token>".'],
        [HTTP_CODES.authInvalid, 'The API key is not known or has been revoked.'],
      ]),
    );
    const refused = API_ROLES.find((role) => !roles.includes(role));
    if (refused !== undefined)
      add(
        problemResponses(path, [
          [
            HTTP_CODES.authForbidden,
            `This route needs the role ${roles.join(' or ')}; the key 5f1c9a2e has the role ${refused}.`,
          ],
        ]),
      );
    add(problemResponses(path, [['ERR_RATE_LIMITED', 'too many requests with this API key; retry in 3 s']]));
    add(
      problemResponses(path, [
        [HTTP_CODES.redisUnavailable, 'Redis is not answering; retry in a few seconds.'],
      ]),
    );
    add(
      problemResponses(path, [
        [HTTP_CODES.overloaded, 'this API instance is busy and refuses new work for now; retry in 2 s'],
      ]),
    );
  }

  const response: Record<string, unknown> = { ...schema.response };
  for (const [status, problem] of Object.entries(defaults)) {
    response[status] = mergeProblems(response[status], problem);
  }
  route.schema = {
    ...schema,
    operationId: typeof schema.operationId === 'string' ? schema.operationId : operationId(method, path),
    ...(description !== undefined ? { description } : {}),
    response,
  };
}

/** A route's own problems at a status keep their examples; the shell's are added beside them. */
function mergeProblems(own: unknown, shell: ProblemResponse): unknown {
  const content = (own as Partial<ProblemResponse> | undefined)?.content?.[PROBLEM_CONTENT_TYPE];
  if (own === undefined) return shell;
  if (content === undefined) return own;
  const shellContent = shell.content[PROBLEM_CONTENT_TYPE];
  return {
    ...(own as object),
    description: `${(own as ProblemResponse).description}; ${shell.description}`,
    content: {
      [PROBLEM_CONTENT_TYPE]: { ...content, examples: { ...shellContent?.examples, ...content.examples } },
    },
  };
}

function invalidRequest(path: string, hasBody: boolean): Record<number, ProblemResponse> {
  const responses = problemResponses(path, [
    [HTTP_CODES.requestInvalid, 'the request has 1 invalid field'],
    ...(hasBody ? [[HTTP_CODES.requestMalformed, 'the body is not valid JSON'] as const] : []),
  ]);
  const invalid = responses[400]?.content[PROBLEM_CONTENT_TYPE]?.examples[HTTP_CODES.requestInvalid];
  if (invalid)
    invalid.value = {
      ...problemExample(HTTP_CODES.requestInvalid, 'the request has 1 invalid field', path),
      errors: [{ in: 'querystring', path: '/limit', message: 'must be <= 1000' }],
    };
  return responses;
}

/** `GET /v1/devices/{id}/diagnosis` → `getDevicesIdDiagnosis`: stable, unique per method and path. */
export function operationId(method: string, path: string): string {
  const words = path
    .split(/[/{}\-_.]+/)
    .filter((word) => word !== '' && word !== 'v1')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return method.toLowerCase() + words.join('');
}
