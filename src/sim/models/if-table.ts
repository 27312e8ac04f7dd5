import { counter32, counter64, lineErrorsSinceBoot, seeded } from '../device-dynamics.js';
import { faultOf, type SimDevice } from '../sim-device.js';
import { c32, c64, gauge, int, str, ticks, type MibEntry, type ValueEnv } from './mib-model.js';

export interface InterfaceSpec {
  name: string;
  /** IANAifType: 6 ethernetCsmacd, 71 ieee80211, 250 gpon, 1 other. */
  type: number;
  speedMbps: number;
  /** The upstream port: follows wan_down and carries line errors. */
  upstream?: boolean;
  /** An unused port: administratively up, operationally down, as on a real CPE. */
  unplugged?: boolean;
  /** Mean traffic in bytes/s is drawn from the device seed up to this. */
  maxBytesPerSecond: number;
}

/** The fault that holds this port down now: wan_down on the upstream, lan_down on the port it names. */
function downFault(device: SimDevice, spec: InterfaceSpec, ifIndex: number) {
  if (spec.upstream) return faultOf(device, 'wan_down');
  const lan = faultOf(device, 'lan_down');
  return lan && lan.params.ifIndex === ifIndex ? lan : undefined;
}

/** Operational status of one interface now: 1 up, 2 down (IF-MIB ifOperStatus). */
export function operStatus(device: SimDevice, spec: InterfaceSpec, ifIndex: number): 1 | 2 {
  if (spec.unplugged) return 2;
  return downFault(device, spec, ifIndex) ? 2 : 1;
}

/** IF-MIB ifTable and ifXTable (RFC 2863) for a fixed list of interfaces. */
export function interfaceTables(specs: InterfaceSpec[]): MibEntry[] {
  const ifEntry = '1.3.6.1.2.1.2.2.1';
  const ifXEntry = '1.3.6.1.2.1.31.1.1.1';
  const entries: MibEntry[] = [{ oid: '1.3.6.1.2.1.2.1.0', value: () => int(specs.length) }];

  specs.forEach((spec, i) => {
    const ifIndex = i + 1;
    const inRate = (d: SimDevice): number =>
      spec.unplugged ? 0 : 2_000 + seeded(d.seed, ifIndex) * spec.maxBytesPerSecond;
    const outRate = (d: SimDevice): number => inRate(d) * (0.1 + 0.3 * seeded(d.seed, ifIndex + 100));
    // Counters grow with uptime even while a port is down: a simplification that keeps them
    // monotonic within a boot without per-port history, as counters must be (RFC 2863 section 3.1.6).
    const up = (_d: SimDevice, env: ValueEnv): number => env.upMs;
    const col = (n: number): string => `${ifEntry}.${n}.${ifIndex}`;
    const xcol = (n: number): string => `${ifXEntry}.${n}.${ifIndex}`;
    const mac = (d: SimDevice): Buffer =>
      Buffer.from([0x02, 0x56, (d.seed >>> 16) & 0xff, (d.seed >>> 8) & 0xff, d.seed & 0xff, ifIndex & 0xff]);

    entries.push(
      { oid: col(1), value: () => int(ifIndex) },
      { oid: col(2), value: () => str(spec.name) },
      { oid: col(3), value: () => int(spec.type) },
      { oid: col(4), value: () => int(spec.type === 250 ? 2000 : 1500) },
      { oid: col(5), value: () => gauge(Math.min(spec.speedMbps * 1e6, 2 ** 32 - 1)) },
      { oid: col(6), value: (d) => str(mac(d)) },
      { oid: col(7), value: () => int(1) },
      { oid: col(8), value: (d) => int(operStatus(d, spec, ifIndex)) },
      { oid: col(9), value: (d, env) => ticks(lastChangeTicks(d, spec, ifIndex, env)) },
      { oid: col(10), value: (d, env) => c32(counter32(inRate(d), up(d, env))) },
      { oid: col(11), value: (d, env) => c32(counter32(inRate(d) / 800, up(d, env))) },
      { oid: col(13), value: (d, env) => c32(counter32(inRate(d) / 2e6, up(d, env))) },
      {
        oid: col(14),
        value: (d, env) => c32(spec.upstream ? lineErrorsSinceBoot(d, env.nowMs, env.rebootSilenceMs) : 0),
      },
      { oid: col(16), value: (d, env) => c32(counter32(outRate(d), up(d, env))) },
      { oid: col(17), value: (d, env) => c32(counter32(outRate(d) / 800, up(d, env))) },
      { oid: col(19), value: () => c32(0) },
      { oid: col(20), value: () => c32(0) },
      { oid: xcol(1), value: () => str(spec.name) },
      { oid: xcol(6), value: (d, env) => c64(counter64(inRate(d), up(d, env))) },
      { oid: xcol(10), value: (d, env) => c64(counter64(outRate(d), up(d, env))) },
      { oid: xcol(15), value: () => gauge(spec.speedMbps) },
      { oid: xcol(18), value: () => str(spec.upstream ? 'uplink' : '') },
    );
  });
  return entries;
}

/** ifLastChange: sysUpTime when the port last changed state, 0 if it has not changed since boot. */
function lastChangeTicks(device: SimDevice, spec: InterfaceSpec, ifIndex: number, env: ValueEnv): number {
  const fault = downFault(device, spec, ifIndex);
  if (!fault) return 0;
  const sinceBoot = env.upMs - (env.nowMs - fault.sinceMs);
  return Math.max(0, Math.floor(sinceBoot / 10));
}
