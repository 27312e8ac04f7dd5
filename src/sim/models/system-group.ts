import { ticks, str, oidValue, int, type MibEntry } from './mib-model.js';
import { uptimeTicks } from '../device-dynamics.js';

/** SNMPv2-MIB system group (RFC 3418): what every agent answers first. */
export function systemGroup(sysObjectId: string, describe: (id: string) => string): MibEntry[] {
  const sys = '1.3.6.1.2.1.1';
  return [
    { oid: `${sys}.1.0`, value: (d) => str(describe(d.modelLabel)) },
    { oid: `${sys}.2.0`, value: () => oidValue(sysObjectId) },
    { oid: `${sys}.3.0`, value: (d, env) => ticks(uptimeTicks(d, env.nowMs, env.rebootSilenceMs)) },
    { oid: `${sys}.4.0`, value: () => str('noc@operator.example') },
    { oid: `${sys}.5.0`, value: (d) => str(d.id) },
    { oid: `${sys}.6.0`, value: (d) => str(`site of ${d.id}`) },
    { oid: `${sys}.7.0`, value: () => int(78) },
  ];
}
