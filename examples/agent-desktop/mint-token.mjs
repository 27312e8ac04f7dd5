#!/usr/bin/env node
/* global process, console */
/**
 * Prints an embed token for a phone number, to paste into the example desktop without running its
 * backend:  VIGIL_URL=http://127.0.0.1:8080 VIGIL_AGENT_KEY=… node examples/agent-desktop/mint-token.mjs
 *           --phone +79123456789 [--agent a-17] [--ttl 600]
 */
import { parseArgs } from 'node:util';
import { mintEmbedToken } from './mint.mjs';

const { values } = parseArgs({
  options: { phone: { type: 'string' }, agent: { type: 'string' }, ttl: { type: 'string' } },
});
const agentKey = process.env.VIGIL_AGENT_KEY;
if (!values.phone || !agentKey) {
  console.error(
    'usage: VIGIL_AGENT_KEY=<agent key> [VIGIL_URL=…] mint-token.mjs --phone <number> [--agent <id>] [--ttl <s>]',
  );
  process.exit(2);
}
try {
  const minted = await mintEmbedToken({
    vigilUrl: process.env.VIGIL_URL ?? 'http://127.0.0.1:8080',
    agentKey,
    phone: values.phone,
    agentId: values.agent,
    ttlSeconds: values.ttl ? Number(values.ttl) : undefined,
  });
  console.log(JSON.stringify(minted, null, 2));
} catch (error) {
  console.error(`no token: ${error.message}`);
  process.exit(1);
}
