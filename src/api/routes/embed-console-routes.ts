import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { CONSOLE_PREFIX, CONSOLE_ROOT } from './console-routes.js';

export interface EmbedConsoleRoutesOptions {
  /** VIGIL_EMBED_ORIGINS: the host pages that may frame the panel and talk to it. */
  origins: readonly string[];
}

export const EMBED_AGENT_PATH = `${CONSOLE_PREFIX}/embed/agent`;

/**
 * The console's CSP with the host pages allowed as frame ancestors (CSP Level 2, section 7.7.3): the
 * browser refuses to draw the panel inside any other page, so a stranger's page cannot overlay it.
 */
export function embedCsp(origins: readonly string[]): string {
  const ancestors = origins.length > 0 ? origins.join(' ') : "'none'";
  return `default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ${ancestors}; object-src 'none'`;
}

const escapeAttribute = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The embeddable agent panel (`/console/embed/agent?phone=…`): console/embed-agent.html with the allowed
 * origins written into a meta tag, which the panel's postMessage handler checks every message against
 * (the CSP says who may frame it; the check says whose messages it obeys). Public like the console: the
 * page holds no data, the token arrives by postMessage or in the fragment, never in the query.
 */
export const embedConsoleRoutes: FastifyPluginAsync<EmbedConsoleRoutesOptions> = async (app, options) => {
  const template = await readFile(join(CONSOLE_ROOT, 'embed-agent.html'), 'utf8');
  const page = template.replace(
    '<meta name="vigil-embed-origins" content="" />',
    `<meta name="vigil-embed-origins" content="${escapeAttribute(options.origins.join(' '))}" />`,
  );
  const csp = embedCsp(options.origins);

  // Encapsulated here and run after the root's onSend (security-headers.ts), whose CSP it replaces.
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('content-security-policy', csp);
    void reply.header('cache-control', 'no-cache');
    return payload;
  });

  app.get(
    EMBED_AGENT_PATH,
    { config: { public: true }, logLevel: 'warn', schema: { hide: true } },
    (_request, reply) => reply.type('text/html; charset=utf-8').send(page),
  );
};
