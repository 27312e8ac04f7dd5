import { seeded } from '../device-dynamics.js';
import { faultOf } from '../sim-device.js';
import { int, type MibEntry } from './mib-model.js';
import { SIM_OIDS } from './vigil-sim-mib.js';

/** vigilSimReboot: writing 1 reboots the device, as a vendor's reboot object does. */
export const rebootObject: MibEntry = {
  oid: SIM_OIDS.reboot,
  value: () => int(0),
  write: (value) => {
    if (value.type !== 'Integer') return 'wrongType';
    return value.value === 1 ? 'reboot' : 'wrongValue';
  },
};

export function temperatureObject(baseCelsius: number): MibEntry {
  return {
    oid: SIM_OIDS.temperature,
    value: (d) => {
      const fault = faultOf(d, 'high_temperature');
      return int(fault ? (fault.params.celsius as number) : baseCelsius + 12 * seeded(d.seed, 9));
    },
  };
}

/** GPON ONU optical Rx power: healthy lines sit between -17 and -24 dBm (ITU-T G.984.2 class B+ budget). */
export const opticalRxPowerObject: MibEntry = {
  oid: SIM_OIDS.opticalRxPower,
  value: (d) => {
    const fault = faultOf(d, 'low_signal');
    const dbm = fault ? (fault.params.dbm as number) : -17 - 7 * seeded(d.seed, 10);
    return int(dbm * 100);
  },
};

/** LTE RSRP: -75 to -100 dBm is a usable to good signal; below -115 the link drops. */
export const lteSignalObjects: MibEntry[] = [
  {
    oid: SIM_OIDS.lteRsrp,
    value: (d) => {
      const fault = faultOf(d, 'low_signal');
      return int(fault ? (fault.params.dbm as number) : -75 - 25 * seeded(d.seed, 11));
    },
  },
  {
    oid: SIM_OIDS.lteSinr,
    value: (d) => int(faultOf(d, 'low_signal') ? -30 : 80 + 120 * seeded(d.seed, 12)),
  },
];
