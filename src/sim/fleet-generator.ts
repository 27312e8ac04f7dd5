import { simHostAddress } from './sim-addressing.js';
import { createSeededRandom } from './seeded-random.js';
import type { SimDevice, SimDeviceKind, SimModelName } from './sim-device.js';
import { CITIES, EN_FIRST, EN_LAST, RU_FIRST, RU_LAST, STREETS, russianSurname } from './fleet-names.js';

export interface FleetOptions {
  /** Total devices: base stations, access nodes and the CPEs under them. */
  devices: number;
  /** CPEs per base station or access node (the last parent takes the remainder). */
  fanout: number;
  seed: number;
  /** Second octet of the first device address (127.<firstOctet>.0.1). */
  firstOctet: number;
  port: number;
  /** Auth profile name written into the inventory (credentials stay in the environment). */
  authProfile: string;
  /** Share of CPEs that have run 35–90 days without a reboot (the operator's stale routers). */
  staleShare: number;
  nowMs: number;
}

export interface InventoryDocument {
  sites: { id: string; name: string }[];
  devices: {
    id: string;
    kind: SimDeviceKind;
    parentId: string | null;
    site: string;
    model: string;
    profile: string;
    host: string;
    port: number;
    auth: string;
  }[];
  subscribers: {
    id: string;
    name: string;
    account: string;
    phone: string;
    deviceIds: string[];
    site: string;
    language: 'ru' | 'en';
  }[];
}

export interface Fleet {
  devices: SimDevice[];
  inventory: InventoryDocument;
}

const DAY_MS = 86_400_000;
/** Probe (probes/<name>.yaml) for each simulated model: GPON and LTE routers read their signal differently. */
const PROBE_PROFILE: Record<SimModelName, string> = {
  'cpe-gpon': 'cpe-gpon',
  'cpe-lte': 'cpe-lte',
  'access-node': 'access-node',
  'base-station': 'base-station',
};
const MODEL_LABELS: Record<SimModelName, string[]> = {
  'cpe-gpon': ['SimRouter GP-1', 'SimRouter GP-2'],
  'cpe-lte': ['SimRouter LT-4'],
  'access-node': ['SimOLT A8'],
  'base-station': ['SimBTS E3'],
};

/**
 * Generates a topology like an operator's: base stations with LTE CPEs under them and access nodes
 * (OLTs) with GPON CPEs, one subscriber per CPE, one site per parent. Deterministic for a seed.
 */
export function generateFleet(options: FleetOptions): Fleet {
  if (!Number.isInteger(options.devices) || options.devices < 2)
    throw new Error('a fleet needs at least 2 devices');
  if (!Number.isInteger(options.fanout) || options.fanout < 1)
    throw new Error('fanout must be a positive integer');
  const parentCount = Math.max(1, Math.round(options.devices / (options.fanout + 1)));
  const builder = new FleetBuilder(options, createSeededRandom(options.seed));
  // Parents first, then CPEs: the seeded random numbers are drawn in this order, for every seed.
  builder.addParents(parentCount);
  builder.addCpes(options.devices - parentCount, parentCount);
  return { devices: builder.devices, inventory: builder.inventory };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The fleet as it grows: simulated devices and the inventory that describes them, index for index. */
class FleetBuilder {
  readonly devices: SimDevice[] = [];
  readonly inventory: InventoryDocument = { sites: [], devices: [], subscribers: [] };
  private readonly siteOf: string[] = [];

  constructor(
    private readonly options: FleetOptions,
    private readonly random: () => number,
  ) {}

  /** Base stations and access nodes, alternating, each on a site of its own. */
  addParents(parentCount: number): void {
    const { random } = this;
    const parentWidth = Math.max(4, String(parentCount).length);
    let baseStations = 0;
    let accessNodes = 0;
    for (let p = 0; p < parentCount; p++) {
      const isBaseStation = p % 2 === 0;
      const number = isBaseStation ? ++baseStations : ++accessNodes;
      const siteId = `site-${pad(p + 1, parentWidth)}`;
      const city = CITIES[Math.floor(random() * CITIES.length)] as string;
      const street = STREETS[Math.floor(random() * STREETS.length)] as string;
      this.inventory.sites.push({ id: siteId, name: `${city}, ${street} ${1 + Math.floor(random() * 120)}` });
      // Infrastructure runs for months between maintenance windows.
      const upDays = 20 + random() * 160;
      if (isBaseStation)
        this.addDevice('base_station', 'base-station', `bs-${pad(number, parentWidth)}`, -1, siteId, upDays);
      else this.addDevice('access_node', 'access-node', `an-${pad(number, parentWidth)}`, -1, siteId, upDays);
    }
  }

  /** CPEs in blocks of `fanout` under each parent (LTE under base stations, GPON under access nodes). */
  addCpes(cpeCount: number, parentCount: number): void {
    const { random, options } = this;
    const cpeWidth = Math.max(6, String(cpeCount).length);
    for (let c = 0; c < cpeCount; c++) {
      const parentIndex = Math.min(parentCount - 1, Math.floor(c / options.fanout));
      const parent = this.devices[parentIndex] as SimDevice;
      const model: SimModelName = parent.kind === 'base_station' ? 'cpe-lte' : 'cpe-gpon';
      const stale = random() < options.staleShare;
      const upDays = stale ? 35 + random() * 55 : 0.2 + random() * 20;
      const site = this.siteOf[parentIndex] as string;
      const cpe = this.addDevice('cpe', model, `cpe-${pad(c + 1, cpeWidth)}`, parentIndex, site, upDays);
      this.inventory.subscribers.push(subscriberFor(c, cpe.id, site, random, cpeWidth));
    }
  }

  private addDevice(
    kind: SimDeviceKind,
    model: SimModelName,
    id: string,
    parentIndex: number,
    site: string,
    upDays: number,
  ): SimDevice {
    const { options, random, devices } = this;
    const index = devices.length;
    const labels = MODEL_LABELS[model];
    const device: SimDevice = {
      index,
      id,
      kind,
      model,
      modelLabel: labels[Math.floor(random() * labels.length)] as string,
      host: simHostAddress(index, options.firstOctet),
      port: options.port,
      parentIndex,
      seed: Math.floor(random() * 2 ** 32) >>> 0,
      bootAtMs: options.nowMs - Math.round(upDays * DAY_MS),
      silentUntilMs: 0,
      extraErrors: 0,
      faults: [],
      rebootCount: 0,
    };
    devices.push(device);
    this.siteOf.push(site);
    this.inventory.devices.push({
      id,
      kind,
      parentId: parentIndex >= 0 ? (devices[parentIndex] as SimDevice).id : null,
      site,
      model: device.modelLabel,
      profile: PROBE_PROFILE[model],
      host: device.host,
      port: device.port,
      auth: options.authProfile,
    });
    return device;
  }
}

function subscriberFor(
  c: number,
  deviceId: string,
  site: string,
  random: () => number,
  width: number,
): InventoryDocument['subscribers'][number] {
  const english = random() < 0.15;
  const pick = (list: string[]): string => list[Math.floor(random() * list.length)] as string;
  let name: string;
  if (english) {
    name = `${pick(EN_FIRST)} ${pick(EN_LAST)}`;
  } else {
    const first = pick(RU_FIRST);
    name = `${first} ${russianSurname(pick(RU_LAST), first)}`;
  }
  return {
    id: `sub-${String(c + 1).padStart(width, '0')}`,
    name,
    account: `ACC-${String(100_000_000 + c + 1)}`,
    phone: `+79${String(100_000_000 + c + 1).padStart(9, '0')}`,
    deviceIds: [deviceId],
    site,
    language: english ? 'en' : 'ru',
  };
}
