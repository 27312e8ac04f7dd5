#!/usr/bin/env node
/* global process, console, URL */
/**
 * The example desktop and its backend in one small server: the page, its script and style, `GET config`
 * (where Vigil is) and `POST token` (an embed token for the call, minted with the agent key this process
 * holds: the browser never sees the key). Serve it on another origin than Vigil's, and list that origin
 * in Vigil's VIGIL_EMBED_ORIGINS:
 *
 *   VIGIL_URL=http://127.0.0.1:8080 VIGIL_AGENT_KEY=… node examples/agent-desktop/serve.mjs --host 127.0.0.2 --port 8090
 *
 * EMBED_TOKEN_TTL_SECONDS shortens the tokens it mints (default: Vigil's VIGIL_EMBED_TOKEN_TTL_SECONDS).
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { mintEmbedToken } from './mint.mjs';

const { values } = parseArgs({ options: { host: { type: 'string' }, port: { type: 'string' } } });
const host = values.host ?? '127.0.0.1';
const port = Number(values.port ?? 8090);
const vigilUrl = process.env.VIGIL_URL ?? 'http://127.0.0.1:8080';
const agentKey = process.env.VIGIL_AGENT_KEY;
const ttlSeconds = process.env.EMBED_TOKEN_TTL_SECONDS
  ? Number(process.env.EMBED_TOKEN_TTL_SECONDS)
  : undefined;
if (!agentKey) {
  console.error('VIGIL_AGENT_KEY: the agent API key this backend mints embed tokens with');
  process.exit(2);
}

const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/desktop.js': ['desktop.js', 'text/javascript; charset=utf-8'],
  '/desktop.css': ['desktop.css', 'text/css; charset=utf-8'],
};

function json(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readJson(request) {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 4096) throw new Error('body too large');
  }
  return JSON.parse(text);
}

const server = createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://desktop').pathname;
  try {
    const file = FILES[path];
    if (request.method === 'GET' && file) {
      response.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-cache' });
      response.end(await readFile(new URL(file[0], import.meta.url)));
    } else if (request.method === 'GET' && path === '/config') {
      json(response, 200, { vigil: vigilUrl });
    } else if (request.method === 'POST' && path === '/token') {
      const { phone, agentId, conversationId } = await readJson(request);
      // The token goes to this desktop's page only; nothing here logs it.
      const minted = await mintEmbedToken({ vigilUrl, agentKey, phone, agentId, conversationId, ttlSeconds });
      json(response, 200, { token: minted.token, expiresAt: minted.expiresAt });
    } else json(response, 404, { detail: 'not found' });
  } catch (error) {
    json(response, error.status ?? 400, { detail: error.message });
  }
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`agent desktop at http://${host}:${address.port}/ (Vigil at ${vigilUrl})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
