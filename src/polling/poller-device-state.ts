import type { DetectionState } from '../detection/index.js';
import type { TableIndices } from './poll-plan.js';
import type { RecentWindow } from './recent-samples.js';

/** What the poller keeps per device between polls. */
export interface PollerDeviceState {
  /** The probe the state was built with: another probe starts afresh. */
  probe: string;
  indices: TableIndices;
  detection: DetectionState;
  /** The last polls, oldest first (see recent-samples.ts). */
  recent?: RecentWindow;
  /**
   * The write count of the stored state this one was read as or judged from (state-version.ts);
   * undefined: none was stored. Not itself stored: the frame around the state carries it.
   */
  version?: number | undefined;
}
