/**
 * The simulator's enterprise objects, under the enterprise number RFC 5612 reserves for
 * documentation (32473), so they can never collide with a real vendor's MIB.
 */
export const VIGIL_SIM_ENTERPRISE = '1.3.6.1.4.1.32473';

export const SIM_OIDS = {
  /** INTEGER, read-write: write 1 to reboot the device; reads 0. */
  reboot: `${VIGIL_SIM_ENTERPRISE}.1.1.0`,
  /** INTEGER, degrees Celsius: board temperature. */
  temperature: `${VIGIL_SIM_ENTERPRISE}.1.2.0`,
  /** INTEGER, hundredths of dBm: GPON optical receive power (ONU side). */
  opticalRxPower: `${VIGIL_SIM_ENTERPRISE}.1.3.0`,
  /** INTEGER, dBm: LTE reference signal received power. */
  lteRsrp: `${VIGIL_SIM_ENTERPRISE}.1.4.0`,
  /** INTEGER, tenths of dB: LTE signal to interference-plus-noise ratio. */
  lteSinr: `${VIGIL_SIM_ENTERPRISE}.1.5.0`,
  /** Base station cell table, indexed by cell number: .{column}.{cell}. */
  cellEntry: `${VIGIL_SIM_ENTERPRISE}.3.1.1`,
} as const;

/** Cell table columns (vigilSimCellEntry). cellOperStatus: 1 up, 2 down, 3 degraded. */
export const CELL_COLUMNS = { index: 1, name: 2, operStatus: 3, connectedUes: 4, prbUtilization: 5 } as const;

/** sysObjectID of each simulated product. */
export const SIM_PRODUCTS = {
  'cpe-gpon': `${VIGIL_SIM_ENTERPRISE}.2.1`,
  'cpe-lte': `${VIGIL_SIM_ENTERPRISE}.2.2`,
  'access-node': `${VIGIL_SIM_ENTERPRISE}.2.3`,
  'base-station': `${VIGIL_SIM_ENTERPRISE}.2.4`,
} as const;
