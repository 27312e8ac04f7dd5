/** The HTTP door: what the process and tests use. Routes are reached through buildApp, never directly. */
export type { ApiDeps } from './api-deps.js';
export { buildApp, DEFAULT_BODY_LIMIT_BYTES, INVENTORY_BODY_LIMIT_BYTES } from './build-app.js';
export {
  chainKeyVerifiers,
  createStaticKeyVerifier,
  keyIdOf,
  type ApiKeyVerifier,
  type Principal,
} from './api-key-verifier.js';
export { PROBLEM_CONTENT_TYPE, type Problem, type ProblemFieldError } from './problem.js';
