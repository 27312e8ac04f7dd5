import { lookup } from 'node:dns/promises';
import { detect, initialDetectionState, type Finding } from '../detection/index.js';
import type { AuthProfile, AuthProtocol, PrivProtocol, SnmpVersion } from '../snmp/auth-profile.js';
import { snmpGet, type SnmpTarget } from '../snmp/snmp-session.js';
import { FALLBACK_PROBE } from '../probes/load-probes.js';
import type { PollOutcome, PollSample, Rates } from '../probes/poll-result.js';
import type { DeviceKind, Probe, ValueKind } from '../probes/probe-types.js';
import { missingValueReasons, notInProbe } from './probe-once-missing.js';
import { takeProbeSamples } from './probe-once-samples.js';
import { selectProbe } from '../probes/select-probe.js';
import { computeDerivedMetric } from '../probes/derived-metric.js';
import { derivedSourceText } from '../probes/explain-derived.js';

/** SNMPv2-MIB sysObjectID.0 (RFC 3418): what the device says it is. */
const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

export interface ProbeOnceOptions {
  host: string;
  port: number;
  profile: AuthProfile;
  probes: ReadonlyMap<string, Probe>;
  /** A probe by name (--profile); without it the device's sysObjectID picks one. */
  probeName?: string;
  /** Polls to take; two or more turn counters into rates. */
  samples: number;
  intervalMs: number;
  /** Override the probe's timeout and retries. */
  timeoutMs?: number;
  retries?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The auth profile as it may be shown: never a community or a key. */
export interface ShownAuth {
  version: SnmpVersion;
  user?: string;
  authProtocol?: AuthProtocol;
  privProtocol?: PrivProtocol;
}

export interface ProbeReport {
  target: { host: string; port: number; address?: string };
  version: SnmpVersion;
  auth: ShownAuth;
  probe: {
    name: string;
    selectedBy: 'profile' | 'sysObjectID' | 'fallback';
    sysObjectId?: string;
    deviceKind: DeviceKind;
  };
  /** The last poll's outcome (or the identification's, when the device did not answer it). */
  outcome: PollOutcome;
  reason?: string;
  meta: {
    durationMs: number;
    pdus: number;
    retries: number;
    polls: { at: number; outcome: PollOutcome; reason?: string }[];
  };
  /** The last sample that arrived. */
  sample?: PollSample;
  /** Per-second counter rates between the last two samples. */
  rates: Rates;
  /** Findings detect() opens over these polls with thresholds that open at once: "if this persisted". */
  findings: Finding[];
  /** Each scalar's type and unit as the probe declares them, and for one without a value, why. */
  scalars?: Record<string, { kind: ValueKind; unit?: string; missing?: string; derived?: string }>;
  /** Well-known metrics detectors read (cpuLoad, temperature, signal, …) that this probe does not poll. */
  notInProbe?: string[];
}

export function shownAuth(profile: AuthProfile): ShownAuth {
  const user = profile.user;
  if (profile.version !== '3' || !user) return { version: profile.version };
  return {
    version: profile.version,
    user: user.name,
    ...(user.authKey ? { authProtocol: user.authProtocol ?? 'sha' } : {}),
    ...(user.privKey ? { privProtocol: user.privProtocol ?? 'aes' } : {}),
  };
}

function deviceKindOf(probe: Probe): DeviceKind {
  // A probe for one kind says what the device is; the generic one cannot, and a CPE is the usual guess.
  return probe.deviceKinds.length === 1 ? (probe.deviceKinds[0] as DeviceKind) : 'cpe';
}

/**
 * The probe `vigil probe` judges a device with: the chosen one with every finding opening on the first
 * poll that shows its condition (openAfterPolls 1, unreachableAfterFailures 1). The service waits for a
 * condition to repeat before it believes it; a one-shot look says what it would raise if this persisted.
 */
export function probeOnceProbe(probe: Probe, overrides: { timeoutMs?: number; retries?: number }): Probe {
  return {
    ...probe,
    timeoutMs: overrides.timeoutMs ?? probe.timeoutMs,
    retries: overrides.retries ?? probe.retries,
    thresholds: { ...probe.thresholds, openAfterPolls: 1, unreachableAfterFailures: 1 },
  };
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One-shot poll of a device for `vigil probe`: identifies it by sysObjectID unless a probe is named,
 * takes `samples` polls `intervalMs` apart, computes rates and runs detection as if what it saw had
 * persisted. Never throws for a misbehaving device: a timeout or a rejected credential is the report's
 * outcome; it throws only for a probeName missing from `probes` (the caller's mistake). Prints
 * nothing; probeOnceText() formats the report.
 */
export async function probeOnce(options: ProbeOnceOptions): Promise<ProbeReport> {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const started = performance.now();
  const deviceId = `${options.host}:${options.port}`;
  const base = {
    target: { host: options.host, port: options.port },
    version: options.profile.version,
    auth: shownAuth(options.profile),
  };

  // The shared transport matches answers by source address: it needs the address, not a name.
  let address: string;
  try {
    address = (await lookup(options.host, { family: 4 })).address;
  } catch (error) {
    const reason = `cannot resolve ${options.host}: ${error instanceof Error ? error.message : String(error)}`;
    return failedReport(base, 'transport_error', reason, options, clock(), started);
  }
  const target = { id: deviceId, host: address, port: options.port, profile: options.profile };
  const snmpTarget = { ...target, timeoutMs: options.timeoutMs ?? 2_000, retries: options.retries ?? 1 };

  const choice = await chooseProbe(options, snmpTarget);
  if ('failed' in choice)
    return failedReport(
      base,
      choice.failed.outcome,
      choice.failed.reason,
      options,
      clock(),
      started,
      address,
    );
  const { selectedBy, sysObjectId } = choice;
  const probe = probeOnceProbe(choice.chosen, options);
  const device = { id: deviceId, kind: deviceKindOf(probe) };
  const seen = await takeProbeSamples(target, probe, device, { ...options, clock, sleep });
  const { sample, meta } = seen;
  // Why a value is missing is worth one more GET per missing scalar: a person reads this output.
  const missing = sample ? await missingValueReasons(snmpTarget, probe, sample) : {};
  meta.durationMs = Math.round(performance.now() - started);
  return {
    ...base,
    target: { ...base.target, address },
    probe: { name: probe.name, selectedBy, ...(sysObjectId ? { sysObjectId } : {}), deviceKind: device.kind },
    ...seen.last,
    meta,
    ...(sample ? { sample } : {}),
    rates: seen.rates,
    findings: Object.values(seen.state.findings),
    scalars: { ...scalarsOf(probe, missing), ...(sample ? derivedOf(probe, sample) : {}) },
    notInProbe: notInProbe(probe),
  };
}

type ProbeChoice =
  | { chosen: Probe; selectedBy: ProbeReport['probe']['selectedBy']; sysObjectId?: string }
  | { failed: { outcome: PollOutcome; reason: string | undefined } };

/** The named probe, or the one the device's sysObjectID selects; a device that does not answer fails. */
async function chooseProbe(options: ProbeOnceOptions, snmpTarget: SnmpTarget): Promise<ProbeChoice> {
  if (options.probeName !== undefined) {
    const chosen = options.probes.get(options.probeName);
    if (!chosen) throw new Error(`no probe named "${options.probeName}"`);
    return { chosen, selectedBy: 'profile' };
  }
  const identity = await snmpGet(snmpTarget, [SYS_OBJECT_ID]);
  if (identity.outcome !== 'ok' && identity.outcome !== 'error_status')
    return { failed: { outcome: identity.outcome, reason: identity.reason } };
  const value = identity.varbinds[0]?.value;
  const sysObjectId =
    typeof value === 'object' && value.type === 'ObjectIdentifier' ? value.value : undefined;
  const chosen = selectProbe(options.probes, sysObjectId);
  if (!chosen) throw new Error(`no ${FALLBACK_PROBE} probe to fall back on`);
  const selectedBy = chosen.name === FALLBACK_PROBE ? 'fallback' : 'sysObjectID';
  return { chosen, selectedBy, ...(sysObjectId !== undefined ? { sysObjectId } : {}) };
}

function scalarsOf(probe: Probe, missing: Record<string, string>): NonNullable<ProbeReport['scalars']> {
  return Object.fromEntries(
    probe.scalars.map((metric) => [
      metric.name,
      {
        kind: metric.kind,
        ...(metric.unit !== undefined ? { unit: metric.unit } : {}),
        ...(missing[metric.name] !== undefined ? { missing: missing[metric.name] } : {}),
      },
    ]),
  );
}

/** Each derived metric's unit and which formula and rows gave its value. */
function derivedOf(probe: Probe, sample: PollSample): NonNullable<ProbeReport['scalars']> {
  return Object.fromEntries(
    probe.derived.map((metric) => [
      metric.name,
      {
        kind: 'gauge' as const,
        ...(metric.unit !== undefined ? { unit: metric.unit } : {}),
        derived: derivedSourceText(metric, computeDerivedMetric(metric, sample)),
      },
    ]),
  );
}

/**
 * The device did not answer (or not to us) before a probe could be chosen: the generic probe's
 * view of that failure, so the report still says what would be raised if it persisted.
 */
function failedReport(
  base: Pick<ProbeReport, 'target' | 'version' | 'auth'>,
  outcome: PollOutcome,
  reason: string | undefined,
  options: ProbeOnceOptions,
  now: number,
  started: number,
  address?: string,
): ProbeReport {
  const fallback = options.probes.get(FALLBACK_PROBE);
  const deviceId = `${base.target.host}:${base.target.port}`;
  const kind: DeviceKind = 'cpe';
  const retries = outcome === 'timeout' ? (options.retries ?? 1) : 0;
  let findings: Finding[] = [];
  if (fallback) {
    const probe = probeOnceProbe(fallback, options);
    const poll = { deviceId, outcome, meta: { durationMs: 0, retries: 0, pdus: 1 } };
    const input = { probe, device: { id: deviceId, kind }, poll, rates: {}, now };
    findings = Object.values(detect({ ...input, state: initialDetectionState(deviceId) }).state.findings);
  }
  return {
    ...base,
    target: { ...base.target, ...(address ? { address } : {}) },
    probe: { name: fallback?.name ?? FALLBACK_PROBE, selectedBy: 'fallback', deviceKind: kind },
    outcome,
    ...(reason ? { reason } : {}),
    meta: {
      durationMs: Math.round(performance.now() - started),
      // A timeout spent every retransmission of the sysObjectID GET; any other failure was answered.
      pdus: address ? 1 + retries : 0,
      retries,
      polls: [{ at: now, outcome, ...(reason ? { reason } : {}) }],
    },
    rates: {},
    findings,
  };
}
