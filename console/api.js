/* global fetch */
/** @typedef {import('./api-types.js').Problem} Problem */
/** @typedef {import('./api-types.js').Language} Language */
/** @typedef {import('./api-types.js').Role} Role */

/** An answer that was not 2xx, with the problem+json the API sends (RFC 9457). */
export class ApiError extends Error {
  /** @param {Problem} problem */
  constructor(problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.problem = problem;
  }
}

/**
 * The /v1 API with one bearer key, on the console's own origin. Suggestion texts come localized from
 * the API: every request says the console's language in Accept-Language.
 * @param {string} key
 * @param {Language} language
 */
export function createApi(key, language) {
  /**
   * The parsed JSON answer, or undefined for 204; the caller says what it expects of it.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<unknown>}
   */
  async function request(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${key}`, 'accept-language': language };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    /** @type {unknown} */
    const parsed = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const problem = /** @type {Partial<Problem> | undefined} */ (parsed);
      throw new ApiError({ code: 'ERR_HTTP', ...problem, status: response.status });
    }
    return parsed;
  }

  return {
    key,
    language,
    /** @param {string} path */
    get: (path) => request('GET', path),
    /** @param {string} path @param {unknown} [body] */
    post: (path, body) => request('POST', path, body),
    /** @param {string} path @param {unknown} body */
    patch: (path, body) => request('PATCH', path, body),
    /** @param {string} path */
    del: (path) => request('DELETE', path),
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */

/**
 * What a key may do, asked of the API itself (GET /v1/me answers every role): no probing of a route
 * that refuses the key, so an agent's sign-in logs no 403. An unknown key is the API's 401.
 * @param {string} key
 * @returns {Promise<Role>}
 */
export async function roleOfKey(key) {
  const me = /** @type {{ role?: string }} */ (await createApi(key, 'en').get('/v1/me'));
  if (me.role === 'agent' || me.role === 'noc' || me.role === 'admin') return me.role;
  throw new ApiError({ status: 403, code: 'ERR_HTTP', detail: `unknown role "${String(me.role)}"` });
}

/** A path segment: ids hold ':' and '@', which must not be read as anything but the id. */
export const seg = encodeURIComponent;
