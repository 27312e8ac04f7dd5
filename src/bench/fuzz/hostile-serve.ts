import { randomBytes } from 'node:crypto';
import { startHostileAgent, type HostileAgent } from '../../fuzz/hostile-agent.js';
import { HOSTILE_BEHAVIOURS } from '../../fuzz/hostile-answers.js';
import type { Secret } from '../../shared/secret.js';
import { startBenchChild, type BenchChild } from '../bench-child.js';
import { httpJsonRetrying, type HttpAnswer } from '../bench-http.js';

const secret = (): string => randomBytes(18).toString('base64url');

export interface HostileServe {
  serve: BenchChild;
  url: string;
  api(method: string, path: string, role: 'noc' | 'admin', body?: unknown): Promise<HttpAnswer>;
}

/** One hostile agent per behaviour, at 127.<firstOctet>.0.<n>; pushed to `agents` as each starts. */
export async function startHostileAgents(
  firstOctet: number,
  seed: number,
  agents: HostileAgent[],
): Promise<void> {
  for (const [i, behaviour] of HOSTILE_BEHAVIOURS.entries())
    agents.push(
      await startHostileAgent({ behaviour, address: `127.${firstOctet}.0.${i + 1}`, seed: seed + i }),
    );
}

/** `vigil serve`'s environment: v2c and v3 credentials for the hostile devices and the fuzzed traps. */
function hostileEnv(options: {
  redisUrl: string;
  prefix: string;
  tokens: { noc: string; admin: string };
  community: string;
  /** The v3 user of the fuzzed traps (SHA, AES). */
  user: { name: string; authKey: Secret; privKey: Secret };
  trapPort: number;
  probesDir: string;
}): Record<string, string> {
  const { tokens, user } = options;
  return {
    REDIS_URL: options.redisUrl,
    VIGIL_REDIS_PREFIX: options.prefix,
    VIGIL_LOG_LEVEL: 'info',
    VIGIL_API_KEYS: `noc:${tokens.noc},admin:${tokens.admin}`,
    VIGIL_SNMP_HOSTILE_VERSION: '2c',
    VIGIL_SNMP_HOSTILE_COMMUNITY: options.community,
    VIGIL_SNMP_HOSTILE_V3_VERSION: '3',
    VIGIL_SNMP_HOSTILE_V3_USER: 'hostile-user',
    VIGIL_SNMP_FUZZ_VERSION: '3',
    VIGIL_SNMP_FUZZ_USER: user.name,
    VIGIL_SNMP_FUZZ_AUTH_PROTOCOL: 'sha',
    VIGIL_SNMP_FUZZ_AUTH_KEY: user.authKey.reveal(),
    VIGIL_SNMP_FUZZ_PRIV_PROTOCOL: 'aes',
    VIGIL_SNMP_FUZZ_PRIV_KEY: user.privKey.reveal(),
    VIGIL_TRAP_HOST: '127.0.0.1',
    VIGIL_TRAP_PORT: String(options.trapPort),
    VIGIL_PROBES_DIR: options.probesDir,
    VIGIL_POLL_SHARDS: '16',
    VIGIL_HOST: '127.0.0.1',
    VIGIL_PORT: '0',
  };
}

/**
 * `vigil serve` (all roles, over the bench's Redis prefix) with `devices` hostile devices in its
 * inventory, spread over the agents and alternating v2c and v3; `onStarted` gets the child as soon as
 * it runs, so the caller stops it whatever fails next.
 */
export async function startHostileServe(
  options: Omit<Parameters<typeof hostileEnv>[0], 'tokens'> & {
    agents: readonly HostileAgent[];
    devices: number;
  },
  onStarted: (serve: BenchChild) => void,
): Promise<HostileServe> {
  const tokens = { noc: secret(), admin: secret() };
  const serve = await startBenchChild(
    'vigil serve',
    ['serve'],
    hostileEnv({ ...options, tokens }),
    'vigil started',
  );
  onStarted(serve);
  const url = String(serve.ready.url);
  const api = (method: string, path: string, role: 'noc' | 'admin', body?: unknown) =>
    httpJsonRetrying(method, url + path, { authorization: `Bearer ${tokens[role]}` }, body, 120_000);
  const devices = Array.from({ length: options.devices }, (_, i) => {
    const agent = options.agents[i % options.agents.length] as HostileAgent;
    return {
      id: `hostile-${i}-${agent.behaviour}`,
      kind: 'cpe',
      parentId: null,
      model: 'hostile',
      profile: 'cpe-gpon',
      host: agent.address,
      port: agent.port,
      auth: i % 2 === 0 ? 'hostile' : 'hostile-v3',
    };
  });
  const imported = await api('PUT', '/v1/inventory', 'admin', { sites: [], devices, subscribers: [] });
  if (imported.status !== 200) throw new Error(`inventory import: ${imported.status} ${imported.text}`);
  return { serve, url, api };
}
