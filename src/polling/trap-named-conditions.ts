import type { TrapNamed } from '../detection/index.js';
import { linkDownIfIndex } from '../snmp/alarm-traps.js';
import type { Trap } from '../snmp/trap-receiver.js';

/**
 * The conditions a device's trap names about itself (pure), for its re-poll to open at once if the
 * poll agrees (see detection/trap-named.ts): a linkDown names its interface, upstream or not — the
 * poll's own ifTable says which, and whether it is down. Other traps name nothing: a coldStart's reboot
 * opens at the first poll anyway, and alarms are announcements of their own (trap-announcements.ts).
 */
export function trapNamedConditions(trap: Trap): TrapNamed {
  if (trap.kind !== 'linkDown') return [];
  const ifIndex = linkDownIfIndex(trap);
  if (ifIndex === undefined) return [];
  return [
    { kind: 'wan_down', subject: ifIndex },
    { kind: 'interface_down', subject: ifIndex },
  ];
}
