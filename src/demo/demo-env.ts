import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The flags of `vigil demo` that shape the simulator and the service's environment. */
export interface DemoFleetFlags {
  devices: number;
  controlPort: number;
  firstOctet: number;
  trapPort: number;
}

const SCENARIO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));
const secret = (): string => randomBytes(18).toString('base64url');

/** Credentials made for this run only: the simulator and the service get the same ones. */
export function demoEnv(flags: DemoFleetFlags, redisUrl: string) {
  const adminKey = secret();
  const nocKey = secret();
  const agentKey = secret();
  const env: Record<string, string> = {
    REDIS_URL: redisUrl,
    VIGIL_REDIS_PREFIX: process.env.VIGIL_REDIS_PREFIX ?? 'vigil-demo',
    VIGIL_LOG_LEVEL: 'info',
    VIGIL_API_KEYS: `admin:${adminKey},noc:${nocKey},agent:${agentKey}`,
    VIGIL_SNMP_SIM_VERSION: '2c',
    VIGIL_SNMP_SIM_COMMUNITY: secret(),
    VIGIL_SNMP_SIM_WRITE_COMMUNITY: secret(),
    VIGIL_TRAP_PORT: String(flags.trapPort),
    // A demo cannot wait minutes: outages open and resolve within seconds (production: 90 s and 60 s).
    VIGIL_OUTAGE_SETTLE_SECONDS: '5',
    VIGIL_OUTAGE_RESOLVE_SECONDS: '5',
  };
  return { env, adminKey, nocKey, agentKey };
}

export function simArgs(flags: DemoFleetFlags, inventoryPath: string): string[] {
  return [
    'sim',
    '--devices',
    String(flags.devices),
    '--inventory-out',
    inventoryPath,
    '--control-port',
    String(flags.controlPort),
    '--first-octet',
    String(flags.firstOctet),
    '--scenario',
    SCENARIO,
    '--reboot-seconds',
    '8',
    '--stale-share',
    '0.03',
    '--trap-target',
    `127.0.0.1:${flags.trapPort}`,
  ];
}

/** `export K='v'` lines a shell can source, readable by this user only. */
export function writeEnvFile(path: string, values: Record<string, string>): void {
  rmSync(path, { force: true });
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(
    path,
    Object.entries(values)
      .map(([k, v]) => `export ${k}='${v}'\n`)
      .join(''),
    { mode: 0o600 },
  );
}
