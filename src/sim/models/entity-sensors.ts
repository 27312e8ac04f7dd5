import { seeded } from '../device-dynamics.js';
import { faultOf, type SimDevice } from '../sim-device.js';
import { int, type MibEntry } from './mib-model.js';

/** ENTITY-SENSOR-MIB entPhySensorEntry (RFC 3433), row index = entPhysicalIndex. */
const ENT_PHY_SENSOR_ENTRY = '1.3.6.1.2.1.99.1.1.1';
const COLUMNS = { type: 1, scale: 2, precision: 3, value: 4, operStatus: 5 } as const;
/** EntitySensorDataType and EntitySensorDataScale values used here. */
const CELSIUS = 8;
const VOLTS_DC = 4;
const UNITS = 9;
const MILLI = 8;

interface Sensor {
  index: number;
  type: number;
  scale: number;
  precision: number;
  value(d: SimDevice): number;
}

/** The board temperature the high_temperature fault sets (the same as the vendor temperature object). */
function boardCelsius(d: SimDevice, baseCelsius: number): number {
  const fault = faultOf(d, 'high_temperature');
  return fault ? (fault.params.celsius as number) : baseCelsius + 12 * seeded(d.seed, 9);
}

/**
 * Sensors as an OLT or eNodeB controller reports them: the board in tenths of a degree (units,
 * precision 1), the CPU in millidegrees (milli, precision 0) a little cooler, and a 12 V supply rail
 * in millivolts that is not a temperature. A reader must apply precision and scale and pick by type.
 */
export function entitySensors(baseCelsius: number): MibEntry[] {
  const sensors: Sensor[] = [
    { index: 10, type: VOLTS_DC, scale: MILLI, precision: 0, value: () => 12_050 },
    {
      index: 20,
      type: CELSIUS,
      scale: UNITS,
      precision: 1,
      value: (d) => Math.round(boardCelsius(d, baseCelsius) * 10),
    },
    {
      index: 21,
      type: CELSIUS,
      scale: MILLI,
      precision: 0,
      value: (d) => Math.round((boardCelsius(d, baseCelsius) - 6) * 1000),
    },
  ];
  return sensors.flatMap((s) => [
    { oid: `${ENT_PHY_SENSOR_ENTRY}.${COLUMNS.type}.${s.index}`, value: () => int(s.type) },
    { oid: `${ENT_PHY_SENSOR_ENTRY}.${COLUMNS.scale}.${s.index}`, value: () => int(s.scale) },
    { oid: `${ENT_PHY_SENSOR_ENTRY}.${COLUMNS.precision}.${s.index}`, value: () => int(s.precision) },
    { oid: `${ENT_PHY_SENSOR_ENTRY}.${COLUMNS.value}.${s.index}`, value: (d: SimDevice) => int(s.value(d)) },
    { oid: `${ENT_PHY_SENSOR_ENTRY}.${COLUMNS.operStatus}.${s.index}`, value: () => int(1) },
  ]);
}
