/**
 * A probe, compiled: what to poll on one class of device and the thresholds that judge it.
 * Written by people in probes/*.yaml (MIB object names in comments, numeric OIDs in values),
 * compiled once at start by compileProbe() into this immutable form; detection reads it.
 */
export type DeviceKind = 'cpe' | 'access_node' | 'base_station';

/** How a raw SNMP value becomes a sample value. */
export type ValueKind =
  | 'integer' // INTEGER / Integer32, optionally scaled
  | 'gauge' // Gauge32 / Unsigned32, optionally scaled
  | 'counter32' // Counter32: turned into a rate with 2^32 wrap handling
  | 'counter64' // Counter64: turned into a rate with 2^64 wrap handling
  | 'timeticks' // TimeTicks (hundredths of a second), sample value in seconds
  | 'string' // OCTET STRING shown as text
  | 'enum' // INTEGER with named values (`values`), sample value is the name
  | 'oid'; // OBJECT IDENTIFIER as dotted text

export interface MetricSpec {
  /** The metric's name in samples, e.g. sysUpTime, ifInErrors. Detectors know the well-known names. */
  name: string;
  /** Numeric OID: the full instance OID for a scalar, the column OID (without index) for a table. */
  oid: string;
  kind: ValueKind;
  /** Multiplier applied to numeric values, e.g. 0.01 for hundredths of dBm. */
  scale?: number;
  unit?: string;
  /** enum: raw integer → name. */
  values?: Readonly<Record<number, string>>;
  /** Missing on some devices (noSuchObject/noSuchInstance) without making the poll partial. */
  optional: boolean;
}

export interface TableSpec {
  /** The table's name in samples, e.g. interfaces, cells. */
  name: string;
  columns: readonly MetricSpec[];
  /** Bound on rows walked: a buggy agent cannot make a walk endless. */
  maxRows: number;
  /** Which rows are polled, by their columns' values (decided when the table is walked); absent = all. */
  rows?: RowSelection;
}

/**
 * Rows chosen by meaning, not position: row 1 of hrStorageTable is RAM on one agent and a disk on
 * another, so a probe names the row by its hrStorageType or hrStorageDescr instead of its index.
 */
export interface RowSelection {
  /** A row is kept when it matches any of these (every row when the list is empty)… */
  where: readonly RowCondition[];
  /** …and none of these. */
  except: readonly RowCondition[];
}

/** Every column named must match (AND); a list of conditions is an OR. */
export type RowCondition = readonly ColumnMatch[];

/** A column's decoded value (enum name, dotted OID, number or text) equal to a value, or matching a pattern. */
export interface ColumnMatch {
  column: string;
  equals?: string;
  /** A regular expression source, with its flags apart. */
  pattern?: { source: string; flags: string };
}

/**
 * A scalar computed from what was polled, e.g. memory in use = the RAM row's used × allocation units
 * − buffers − cache. The first alternative whose terms the agent answered gives the value.
 */
export interface DerivedMetric {
  name: string;
  unit?: string;
  alternatives: readonly DerivedFormula[];
}

/** (Σ sum − Σ minus) × scale. */
export interface DerivedFormula {
  sum: readonly DerivedTerm[];
  minus: readonly DerivedTerm[];
  scale: number;
}

export type TableReduce = 'sum' | 'average' | 'max' | 'min';

/** A term without a value makes its formula unavailable, unless it says what to count instead. */
export type DerivedTerm =
  | { kind: 'constant'; value: number }
  | { kind: 'scalar'; name: string; ifMissing?: number }
  | {
      kind: 'table';
      table: string;
      column: string;
      /** Rows taken (any of); every polled row when empty. */
      where: readonly RowCondition[];
      reduce: TableReduce;
      /** Multiply each row's value by another of its columns (hrStorageAllocationUnits). */
      times?: string;
      /** RFC 3433 EntitySensorPrecision column: the value has this many decimal places. */
      precision?: string;
      /** RFC 3433 EntitySensorDataScale column: units(9) = 1, milli(8) = 10^-3, kilo(10) = 10^3. */
      dataScale?: string;
      ifMissing?: number;
    };

export interface Thresholds {
  /** unreachable opens after this many consecutive failed polls… */
  unreachableAfterFailures: number;
  /** …and clears after this many consecutive successes. */
  reachableAfterSuccesses: number;
  /** stale_uptime: up longer than this without a reboot. */
  staleUptimeSeconds: number;
  /** reboot_loop: this many reboots inside the window. */
  rebootLoopCount: number;
  rebootLoopWindowSeconds: number;
  /** error_rate: input errors per hour on an upstream (or any up) interface… */
  errorRatePerHour: number;
  /** low_signal: below this floor (dBm, after scale)… */
  signalFloorDbm?: number;
  /** …and clears only above floor + this margin (hysteresis in the value, not just in time). */
  signalClearMarginDb: number;
  cpuCeilingPercent: number;
  memoryCeilingPercent: number;
  temperatureCeilingCelsius: number;
  /** A condition must hold this many consecutive polls to open a finding (unless a detector says otherwise)… */
  openAfterPolls: number;
  /** …and be absent this many consecutive polls to clear it. */
  clearAfterPolls: number;
  /** flapping: this many up/down changes (reachability or an interface) inside the window. */
  flapChanges: number;
  flapWindowSeconds: number;
}

export interface Probe {
  name: string;
  /** Where it was written, for `vigil check` and `vigil explain`. */
  source: { file: string; line: number };
  description: string;
  deviceKinds: readonly DeviceKind[];
  /** sysObjectID prefixes this probe recognises, for `vigil probe` without --profile. */
  sysObjectIdPrefixes: readonly string[];
  intervalSeconds: number;
  timeoutMs: number;
  retries: number;
  maxRepetitions: number;
  scalars: readonly MetricSpec[];
  tables: readonly TableSpec[];
  /** Scalars computed from the polled scalars and table rows, after each poll. */
  derived: readonly DerivedMetric[];
  /**
   * Which interfaces are the upstream (WAN/PON/uplink/backhaul): a regular expression on ifDescr or
   * ifName. wan_down and error_rate look at these first.
   */
  upstreamInterfacePattern?: string;
  /** The SET that reboots a device of this class (vendor-specific). */
  reboot?: { oid: string; value: number };
  thresholds: Thresholds;
}
