import { AppError } from '../shared/app-error.js';
import type { FaultKind } from './fault-kinds.js';
import type { Fleet } from './fleet-generator.js';
import type { LoadedRecording } from './load-recordings.js';
import { simHostAddress } from './sim-addressing.js';
import { RECORDED_MODEL, type SimDevice } from './sim-device.js';

/**
 * Faults that act on a recording: they silence it, lose or delay its answers, or move its clock. The
 * others set objects of the generated models (the WAN port, the simulator's enterprise objects, the
 * RAM row) that a recording of a real device does not have, so they are refused, not faked.
 */
export const RECORDING_FAULTS: ReadonlySet<FaultKind> = new Set([
  'down',
  'stale_uptime',
  'reboot_loop',
  'packet_loss',
  'slow',
]);

export const RECORDINGS_SITE = { id: 'site-recordings', name: 'Recorded devices' };

/**
 * Appends the recorded devices to a generated fleet: addresses after the generated ones (the same
 * sequence of 127.<first-octet>.x.y, so one port serves all), the inventory entries the sidecars
 * describe, a parent's site or a site of their own.
 */
export function addRecordedDevices(
  fleet: Fleet,
  recordings: readonly LoadedRecording[],
  options: { firstOctet: number; port: number; authProfile: string },
): void {
  const byId = new Map(fleet.devices.map((d) => [d.id, d]));
  const problems: string[] = [];
  for (const { spec, sidecar, file } of recordings) {
    if (byId.has(spec.id)) problems.push(`${file}: device id "${spec.id}" is taken by the generated fleet`);
    const parent = sidecar.parent === undefined ? undefined : byId.get(sidecar.parent);
    if (sidecar.parent !== undefined && !parent)
      problems.push(`${file}: parent "${sidecar.parent}" is not a device of the fleet`);
    if (problems.length > 0) continue;
    const index = fleet.devices.length;
    const device: SimDevice = {
      index,
      id: spec.id,
      kind: sidecar.kind,
      model: RECORDED_MODEL,
      modelLabel: sidecar.model ?? spec.id,
      host: simHostAddress(index, options.firstOctet),
      port: options.port,
      parentIndex: parent ? parent.index : -1,
      seed: seedOf(spec.id),
      bootAtMs: spec.bootAtMs,
      silentUntilMs: 0,
      extraErrors: 0,
      faults: [],
      rebootCount: 0,
    };
    fleet.devices.push(device);
    byId.set(device.id, device);
    const site = parent ? fleet.inventory.devices[parent.index]?.site : undefined;
    if (!site && !fleet.inventory.sites.some((s) => s.id === RECORDINGS_SITE.id))
      fleet.inventory.sites.push({ ...RECORDINGS_SITE });
    fleet.inventory.devices.push({
      id: device.id,
      kind: device.kind,
      parentId: parent ? parent.id : null,
      site: site ?? RECORDINGS_SITE.id,
      model: device.modelLabel,
      profile: sidecar.profile,
      host: device.host,
      port: device.port,
      auth: options.authProfile,
    });
  }
  if (problems.length > 0)
    throw new AppError('ERR_SIM_START', `recordings refused:\n${problems.join('\n')}`, { details: problems });
}

/** A fault kind a recording cannot take, as a 400 that says which it can. */
export function refuseRecordingFault(device: SimDevice, kind: FaultKind): void {
  if (device.model !== RECORDED_MODEL || RECORDING_FAULTS.has(kind)) return;
  throw new AppError(
    'ERR_SIM_FAULT_INVALID',
    `fault ${kind} needs objects of the generated models; ${device.id} is a recording, which takes ${[...RECORDING_FAULTS].join(', ')}`,
  );
}

/** FNV-1a of the id: a stable seed, so a recording's draws are the same on every start. */
function seedOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
