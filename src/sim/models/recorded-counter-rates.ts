import type { SnmprecRecord } from '../../recordings/snmprec-record.js';

const IF_ENTRY = '1.3.6.1.2.1.2.2.1.';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1.';

/** Share of the line rate an idle home or office link carries on average: low, so nothing looks congested. */
const IN_UTILISATION = 0.02;
const OUT_UTILISATION = 0.006;
/** Mean frame sizes: unicast of mixed traffic, and a rare multicast/broadcast. */
const BYTES_PER_UNICAST = 700;
const BYTES_PER_OTHER_PACKET = 70_000;
/** A counter advancing at its own mean since boot stays within reason: 1 Mbit/s of octets, 10k/s else. */
const MAX_MEAN_OCTETS = 125_000;
const MAX_MEAN_RATE = 10_000;

/** IF-MIB (RFC 2863) counter columns: what each counts, and in which direction. */
type Column = { counts: 'octets' | 'unicast' | 'other' | 'held'; direction: 'in' | 'out' };
const IF_COLUMNS: Record<number, Column> = {
  10: { counts: 'octets', direction: 'in' },
  11: { counts: 'unicast', direction: 'in' },
  12: { counts: 'other', direction: 'in' },
  16: { counts: 'octets', direction: 'out' },
  17: { counts: 'unicast', direction: 'out' },
  18: { counts: 'other', direction: 'out' },
};
const IFX_COLUMNS: Record<number, Column> = {
  2: { counts: 'other', direction: 'in' },
  3: { counts: 'other', direction: 'in' },
  4: { counts: 'other', direction: 'out' },
  5: { counts: 'other', direction: 'out' },
  6: { counts: 'octets', direction: 'in' },
  7: { counts: 'unicast', direction: 'in' },
  8: { counts: 'other', direction: 'in' },
  9: { counts: 'other', direction: 'in' },
  10: { counts: 'octets', direction: 'out' },
  11: { counts: 'unicast', direction: 'out' },
  12: { counts: 'other', direction: 'out' },
  13: { counts: 'other', direction: 'out' },
};
/** Discards, errors and unknown protocols (ifTable 13-15, 19, 20) stay as recorded: a healthy line. */
const HELD: Column = { counts: 'held', direction: 'in' };

/**
 * How fast each recorded counter advances, per second. IF-MIB traffic follows the interface's speed
 * (ifHighSpeed, else ifSpeed) at a low utilisation while it is up (ifOperStatus 1), and nothing while it
 * is down; a counter of an interface of unknown speed, and any counter outside IF-MIB, goes on at its own
 * mean since boot (its recorded value over the recorded sysUpTime), so the agent's own rhythm is kept.
 */
export function recordedCounterRates(
  records: readonly SnmprecRecord[],
  recordedUpSeconds: number,
): Map<string, number> {
  const byOid = new Map(records.map((r) => [r.oid, r.value]));
  const numberAt = (oid: string): number | undefined => {
    const value = byOid.get(oid);
    return value && typeof value.value === 'number' ? value.value : undefined;
  };
  const rates = new Map<string, number>();
  for (const record of records) {
    const { value } = record;
    if (value.type !== 'Counter32' && value.type !== 'Counter64') continue;
    const place = interfaceColumn(record.oid);
    const cap = place?.column.counts === 'octets' ? MAX_MEAN_OCTETS : MAX_MEAN_RATE;
    const mean = recordedUpSeconds > 0 ? Math.min(cap, Number(value.value) / recordedUpSeconds) : 0;
    if (!place) {
      rates.set(record.oid, mean);
      continue;
    }
    const { column, ifIndex } = place;
    if (column.counts === 'held') rates.set(record.oid, 0);
    else if (numberAt(`${IF_ENTRY}8.${ifIndex}`) !== undefined && numberAt(`${IF_ENTRY}8.${ifIndex}`) !== 1)
      rates.set(record.oid, 0);
    else {
      const highSpeed = numberAt(`${IFX_ENTRY}15.${ifIndex}`);
      const speedBps = highSpeed ? highSpeed * 1e6 : (numberAt(`${IF_ENTRY}5.${ifIndex}`) ?? 0);
      rates.set(record.oid, speedBps > 0 ? trafficRate(column, speedBps) : mean);
    }
  }
  return rates;
}

function trafficRate(column: Column, speedBps: number): number {
  const octets = (speedBps / 8) * (column.direction === 'in' ? IN_UTILISATION : OUT_UTILISATION);
  if (column.counts === 'octets') return octets;
  return octets / (column.counts === 'unicast' ? BYTES_PER_UNICAST : BYTES_PER_OTHER_PACKET);
}

function interfaceColumn(oid: string): { column: Column; ifIndex: string } | undefined {
  const table = oid.startsWith(IF_ENTRY) ? IF_ENTRY : oid.startsWith(IFX_ENTRY) ? IFX_ENTRY : undefined;
  if (!table) return undefined;
  const [columnText, ...index] = oid.slice(table.length).split('.');
  if (index.length !== 1) return undefined;
  const columns = table === IF_ENTRY ? IF_COLUMNS : IFX_COLUMNS;
  return { column: columns[Number(columnText)] ?? HELD, ifIndex: index[0] as string };
}
