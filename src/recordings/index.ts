/** Recordings of real devices as snmprec files: read (hostile-input safe), written, and recorded by a walk. */
export { CREDENTIAL_SUBTREES } from './credential-subtrees.js';
export { parseSnmprec, readSnmprecFile, SNMPREC_LIMITS } from './read-snmprec.js';
export { recordDevice, type RecordDeviceOptions, type RecordDeviceResult } from './record-device.js';
export {
  formatSnmprecProblem,
  type SnmprecFile,
  type SnmprecProblem,
  type SnmprecRecord,
} from './snmprec-record.js';
export { decodeSnmprecValue, encodeSnmprecValue, isValidOidText } from './snmprec-value.js';
export { formatSnmprec } from './write-snmprec.js';
