/**
 * Playbook errors have the probe errors' shape and print the same way, so `vigil check` reports both
 * as `file:line path: message`.
 */
export {
  formatProbeError as formatPlaybookError,
  sortProbeErrors as sortPlaybookErrors,
  type ProbeError as PlaybookError,
} from '../polling/probe-error.js';
