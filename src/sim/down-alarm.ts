import type { Alarm } from '../snmp/alarm-traps.js';
import { faultOf, type SimDevice } from './sim-device.js';

export interface DownAlarm {
  /** The device whose address the trap comes from. */
  sender: SimDevice;
  alarm: Alarm;
  /** The device the alarm is about (its sysName, the inventory id). */
  subject: string;
}

/**
 * The alarm a `down` fault raises as it is added, as real equipment does: a base station or an access
 * node losing power sends its dying gasp in its last milliseconds; a CPE going dark under an access
 * node makes the access node report loss of signal for it (an OLT sees its ONU's light go). A CPE
 * under a base station says nothing: an LTE router's power loss is just a UE leaving the cell.
 */
export function downAlarm(
  previous: SimDevice | undefined,
  device: SimDevice,
  parentOf: (device: SimDevice) => SimDevice | undefined,
): DownAlarm | undefined {
  // Only the moment the fault is added: a fleet that starts with it has no last breath to tell.
  if (previous === undefined || faultOf(previous, 'down') !== undefined) return undefined;
  if (faultOf(device, 'down') === undefined) return undefined;
  if (device.kind !== 'cpe') return { sender: device, alarm: 'dying_gasp', subject: device.id };
  const parent = parentOf(device);
  if (parent?.kind !== 'access_node') return undefined;
  return { sender: parent, alarm: 'loss_of_signal', subject: device.id };
}
