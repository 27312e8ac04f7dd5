import type { Device, Inventory, Site, Subscriber } from '../../src/inventory/index.js';

export interface GenerateOptions {
  baseStations: number;
  accessNodesPerBaseStation: number;
  cpesPerAccessNode: number;
  /** Defaults to one per CPE; more wrap around onto the same CPEs. */
  subscribers?: number;
}

/**
 * A synthetic three-level topology: base stations → access nodes → CPEs, one site per base station,
 * subscribers on the CPEs. Deterministic, for tests and the import benchmark.
 */
export function generateInventory(options: GenerateOptions): Inventory {
  const sites: Site[] = [];
  const devices: Device[] = [];
  const cpes: Device[] = [];
  const pad = (n: number): string => String(n).padStart(6, '0');
  const common = { model: 'Synthetic', auth: 'sim', port: 161 };
  for (let b = 0; b < options.baseStations; b++) {
    const site = `site-${pad(b)}`;
    sites.push({ id: site, name: `Site ${b}` });
    const bs: Device = {
      ...common,
      id: `bs-${pad(b)}`,
      kind: 'base_station',
      parentId: null,
      site,
      profile: 'base-station',
      host: hostOf(devices.length),
    };
    devices.push(bs);
    for (let a = 0; a < options.accessNodesPerBaseStation; a++) {
      const an: Device = {
        ...common,
        id: `an-${pad(b)}-${a}`,
        kind: 'access_node',
        parentId: bs.id,
        site,
        profile: 'access-node',
        host: hostOf(devices.length),
      };
      devices.push(an);
      for (let c = 0; c < options.cpesPerAccessNode; c++) {
        const cpe: Device = {
          ...common,
          id: `cpe-${pad(cpes.length)}`,
          kind: 'cpe',
          parentId: an.id,
          site,
          profile: 'cpe-router',
          host: hostOf(devices.length),
        };
        devices.push(cpe);
        cpes.push(cpe);
      }
    }
  }
  const subscribers: Subscriber[] = [];
  const total = options.subscribers ?? cpes.length;
  for (let s = 0; s < total && cpes.length > 0; s++) {
    const cpe = cpes[s % cpes.length] as Device;
    subscribers.push({
      id: `sub-${pad(s)}`,
      name: `Subscriber ${s}`,
      account: `ACC-${100_000_000 + s}`,
      phone: `+79${String(100_000_000 + s).padStart(9, '0')}`,
      deviceIds: [cpe.id],
      site: cpe.site ?? '',
      language: s % 7 === 0 ? 'en' : 'ru',
    });
  }
  return { sites, devices, subscribers };
}

function hostOf(index: number): string {
  return `127.${16 + (index >> 16)}.${(index >> 8) & 255}.${index & 255}`;
}
