import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, RouteShorthandOptions } from 'fastify';

export const CONSOLE_PREFIX = '/console';

/** console/ at the repository root: three levels up from both src/api/routes/ and dist/api/routes/. */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../../console/', import.meta.url));

/**
 * The console's pages load their modules from the console's own origin and nothing else: no inline
 * script or style, no eval, no frames, no form posts; data calls go to /v1 on the same origin.
 */
export const CONSOLE_CSP =
  "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

/** What console/ serves: its pages, modules and styles; its tsconfig and type declarations stay home. */
const SERVED_EXTENSIONS = new Set(['.html', '.js', '.css', '.svg', '.ico']);

/**
 * Third-party modules the console imports, each one file served by name from node_modules (no bundler,
 * no copy in the repository). htm's "preact/standalone" build is Preact with its hooks and htm in one
 * ES module of 13 kB that imports nothing, so the browser needs no import map.
 */
function vendorFiles(): Map<string, { root: string; file: string }> {
  const require = createRequire(import.meta.url);
  // htm's exports map has no "./package.json"; its main entry sits in dist/, one below the package root.
  const htmRoot = dirname(dirname(require.resolve('htm')));
  return new Map([['htm-preact.js', { root: join(htmRoot, 'preact'), file: 'standalone.module.js' }]]);
}

/**
 * The operator console: static files at /console/, served by the API process so it needs no web server
 * of its own. The files hold no data, so the routes are public; every data call the page makes goes to
 * /v1 with the user's own bearer key. The console's answers replace the API's `default-src 'none'`
 * CSP (set for every response in security-headers.ts) with one that lets the page run its own modules.
 */
export const consoleRoutes: FastifyPluginAsync = async (app) => {
  const vendor = vendorFiles();
  // serve: false: our own routes below declare `public` (auth.ts) and pick what may be served; the
  // plugin lends reply.sendFile (ETag, Last-Modified, ranges, conditional GETs, `..` refused).
  await app.register(fastifyStatic, {
    root: CONSOLE_ROOT,
    serve: false,
    index: false,
    dotfiles: 'deny',
    // Revalidated on every load (cheap: 304 by ETag), so a console never runs stale modules after an upgrade.
    cacheControl: false,
  });

  // Encapsulated in this plugin, so only the console's answers get it; runs after the root's hook.
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('content-security-policy', CONSOLE_CSP);
    void reply.header('cache-control', 'no-cache');
    return payload;
  });

  const route: RouteShorthandOptions = {
    config: { public: true },
    logLevel: 'warn',
    schema: { hide: true },
  };

  app.get(CONSOLE_PREFIX, route, (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 301));

  app.get<{ Params: { file: string } }>(`${CONSOLE_PREFIX}/vendor/:file`, route, (request, reply) => {
    const found = vendor.get(request.params.file);
    if (!found) return reply.callNotFound();
    return reply.sendFile(found.file, found.root);
  });

  app.get<{ Params: { '*': string } }>(`${CONSOLE_PREFIX}/*`, route, (request, reply) => {
    const path = request.params['*'] || 'index.html';
    if (!SERVED_EXTENSIONS.has(extname(path))) return reply.callNotFound();
    return reply.sendFile(path);
  });
};
