import type { AuthProfile } from '../snmp/auth-profile.js';

/** A device as a poll asks it: where, with which credentials, and its model. */
export interface PollTarget {
  id: string;
  host: string;
  port: number;
  profile: AuthProfile;
  /** The inventory's model: devices of one model lend each other their table rows (model-discoveries.ts). */
  model?: string;
}
