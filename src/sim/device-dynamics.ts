import { CURED_BY_REBOOT } from './fault-kinds.js';
import { faultOf, type SimDevice } from './sim-device.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Time-driven behaviour of a simulated device, as pure functions of its state and `nowMs`.
 * Nothing here does I/O: the shard that answers SNMP and the supervisor that mirrors it for the
 * control API compute the same values from the same state.
 */

/** Start of the current boot, following a reboot loop's cycle when one is active. */
export function currentBootAtMs(device: SimDevice, nowMs: number, rebootSilenceMs: number): number {
  const loop = faultOf(device, 'reboot_loop');
  if (!loop) return device.bootAtMs;
  const periodMs = (loop.params.periodSeconds as number) * 1000;
  const cycleStart = loop.sinceMs + Math.floor(Math.max(0, nowMs - loop.sinceMs) / periodMs) * periodMs;
  return cycleStart + loopSilenceMs(periodMs, rebootSilenceMs);
}

/** A looping device is silent for part of every cycle, never more than a third of it. */
export function loopSilenceMs(periodMs: number, rebootSilenceMs: number): number {
  return Math.min(rebootSilenceMs, Math.floor(periodMs / 3));
}

export function uptimeMs(device: SimDevice, nowMs: number, rebootSilenceMs: number): number {
  const up = Math.max(0, nowMs - currentBootAtMs(device, nowMs, rebootSilenceMs));
  const stale = faultOf(device, 'stale_uptime');
  return stale ? up + (stale.params.days as number) * DAY_MS : up;
}

/** sysUpTime is 32-bit TimeTicks in hundredths of a second: it wraps after ~497 days (RFC 2578). */
export function uptimeTicks(device: SimDevice, nowMs: number, rebootSilenceMs: number): number {
  return Math.floor(uptimeMs(device, nowMs, rebootSilenceMs) / 10) % 2 ** 32;
}

/** Whether the device's own agent answers now (its ancestors are the caller's concern). */
export function isAgentUp(device: SimDevice, nowMs: number, rebootSilenceMs: number): boolean {
  if (faultOf(device, 'down')) return false;
  if (nowMs < device.silentUntilMs) return false;
  return nowMs >= currentBootAtMs(device, nowMs, rebootSilenceMs);
}

/** Reachable when its own agent is up and no ancestor is down or rebooting: the path goes through them. */
export function isReachable(
  device: SimDevice,
  lookup: (index: number) => SimDevice | undefined,
  nowMs: number,
  rebootSilenceMs: number,
): boolean {
  if (!isAgentUp(device, nowMs, rebootSilenceMs)) return false;
  let parent = lookup(device.parentIndex);
  for (let depth = 0; parent && depth < 16; depth++) {
    if (!isAgentUp(parent, nowMs, rebootSilenceMs)) return false;
    parent = lookup(parent.parentIndex);
  }
  return true;
}

/** Input errors on the upstream port since boot: a trickle on every line plus any line_errors fault. */
export function lineErrorsSinceBoot(device: SimDevice, nowMs: number, rebootSilenceMs: number): number {
  const bootAt = currentBootAtMs(device, nowMs, rebootSilenceMs);
  const baseline = Math.floor((Math.max(0, nowMs - bootAt) / HOUR_MS) * (device.seed % 3));
  const fault = faultOf(device, 'line_errors');
  const active = fault
    ? Math.floor(
        ((fault.params.perHour as number) * Math.max(0, nowMs - Math.max(fault.sinceMs, bootAt))) / HOUR_MS,
      )
    : 0;
  return baseline + device.extraErrors + active;
}

/** A counter growing at `perSecond` since boot, wrapped as Counter32 (RFC 2578 section 7.1.6). */
export function counter32(perSecond: number, upMs: number): number {
  return Math.floor((perSecond * upMs) / 1000) % 2 ** 32;
}

export function counter64(perSecond: number, upMs: number): bigint {
  return BigInt(Math.floor((perSecond * upMs) / 1000));
}

/** The device reboots now: silent for `rebootSilenceMs`, then up with a fresh uptime. */
export function applyReboot(device: SimDevice, nowMs: number, rebootSilenceMs: number): void {
  device.silentUntilMs = nowMs + rebootSilenceMs;
  device.bootAtMs = device.silentUntilMs;
  device.extraErrors = 0;
  device.rebootCount += 1;
  device.faults = device.faults.filter((f) => !CURED_BY_REBOOT.has(f.kind) || f.params.persistent === true);
}

/** Removing a line_errors fault keeps the errors it caused on the counter: counters never go back. */
export function settleFaultRemoval(
  device: SimDevice,
  kind: string,
  nowMs: number,
  rebootSilenceMs: number,
): void {
  const fault = device.faults.find((f) => f.kind === kind);
  if (kind === 'line_errors' && fault) {
    const bootAt = currentBootAtMs(device, nowMs, rebootSilenceMs);
    device.extraErrors += Math.floor(
      ((fault.params.perHour as number) * Math.max(0, nowMs - Math.max(fault.sinceMs, bootAt))) / HOUR_MS,
    );
  }
  if (kind === 'reboot_loop' && fault) {
    // Leaving the loop, the device stays up from its last loop boot.
    device.bootAtMs = currentBootAtMs(device, nowMs, rebootSilenceMs);
    // Caught mid-reboot: it finishes booting (and announces itself) before it answers.
    if (device.bootAtMs > nowMs) device.silentUntilMs = device.bootAtMs;
  }
}

/** A value in [0, 1) drawn from the device's seed and a salt, stable across restarts. */
export function seeded(seed: number, salt: number): number {
  let x = (seed ^ Math.imul(salt + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}
