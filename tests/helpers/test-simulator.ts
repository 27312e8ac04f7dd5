import { createLogger } from '../../src/platform/logger.js';
import { Secret } from '../../src/shared/secret.js';
import type { AuthProfile } from '../../src/snmp/auth-profile.js';
import { Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';

/** Test credentials, generated per run: nothing secret lives in the repository. */
export const TEST_V3 = {
  user: 'vigil-test',
  authKey: `auth-${Math.random().toString(36).slice(2, 12)}`,
  privKey: `priv-${Math.random().toString(36).slice(2, 12)}`,
};
export const TEST_COMMUNITY = `ro-${Math.random().toString(36).slice(2, 10)}`;
export const TEST_WRITE_COMMUNITY = `rw-${Math.random().toString(36).slice(2, 10)}`;

export const v2cProfile: AuthProfile = {
  name: 'sim',
  version: '2c',
  community: new Secret(TEST_COMMUNITY),
  writeCommunity: new Secret(TEST_WRITE_COMMUNITY),
};

export const v3Profile: AuthProfile = {
  name: 'sim-v3',
  version: '3',
  user: {
    name: TEST_V3.user,
    authProtocol: 'sha',
    authKey: new Secret(TEST_V3.authKey),
    privProtocol: 'aes',
    privKey: new Secret(TEST_V3.privKey),
  },
};

/**
 * A port per test file, so files running in parallel never share a device address. Below Linux's
 * ephemeral range (32768–60999): a socket bound to 0.0.0.0 on an ephemeral port (every net-snmp session
 * has one) takes that port on every loopback address too, and a machine running a benchmark's 10,000
 * sessions left a third of that range taken.
 */
export function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 12_000);
}

export async function startTestSimulator(
  overrides: Partial<SimulatorOptions> & { firstOctet: number },
): Promise<Simulator> {
  const user = v3Profile.user!;
  return Simulator.start({
    devices: 30,
    fanout: 9,
    seed: 7,
    port: randomPort(),
    authProfile: 'sim',
    staleShare: 0,
    rebootSilenceMs: 1_500,
    credentials: {
      readCommunities: [TEST_COMMUNITY],
      writeCommunities: [TEST_WRITE_COMMUNITY],
      readUsers: [user],
      writeUsers: [user],
    },
    log: createLogger({ level: 'silent' }),
    ...overrides,
  });
}
