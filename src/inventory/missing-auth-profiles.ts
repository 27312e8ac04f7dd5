import { profileEnvName } from '../snmp/auth-profile.js';
import type { Device } from './inventory-types.js';

/** An auth profile the inventory names that the environment does not configure. */
export interface MissingAuthProfile {
  profile: string;
  /** How many devices name it, and the first few of them. */
  devices: number;
  deviceIds: string[];
  /** The variables that would configure it (v1/v2c community, or a v3 user). */
  variables: string[];
  message: string;
}

const SHOWN_IDS = 3;

/** The variables that configure `profile`: a community for v1/v2c, or a USM user for v3. */
export function authProfileVariables(profile: string): string[] {
  const name = `VIGIL_SNMP_${profileEnvName(profile)}`;
  return [`${name}_COMMUNITY`, `${name}_USER`];
}

/**
 * The auth profiles named by `devices` that `configured` lacks, most-used first. Without them those
 * devices are never asked (poll outcome `no_credentials`), so import and serve say so up front,
 * naming the variables to set, instead of leaving the devices at `unknown`.
 */
export function missingAuthProfiles(
  devices: Iterable<Pick<Device, 'id' | 'auth'>>,
  configured: { has(name: string): boolean },
): MissingAuthProfile[] {
  const byProfile = new Map<string, string[]>();
  for (const device of devices) {
    if (configured.has(device.auth)) continue;
    const ids = byProfile.get(device.auth) ?? [];
    ids.push(device.id);
    byProfile.set(device.auth, ids);
  }
  return [...byProfile]
    .sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1))
    .map(([profile, ids]) => {
      const variables = authProfileVariables(profile);
      const count = ids.length;
      return {
        profile,
        devices: count,
        deviceIds: ids.slice(0, SHOWN_IDS),
        variables,
        message: `auth profile "${profile}" (${count} device${count === 1 ? '' : 's'}) has no credentials in the environment: set ${variables[0]} (SNMP v1/v2c) or ${variables[1]} and its keys (v3); until then these devices are not polled (outcome no_credentials)`,
      };
    });
}
