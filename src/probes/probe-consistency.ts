import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import type { YamlReader } from '../shared/yaml/yaml-reader.js';
import type { DerivedMetric, MetricSpec, TableSpec, Thresholds } from './probe-types.js';

interface Compiled {
  top: YAMLMap;
  scalars: readonly MetricSpec[];
  tables: readonly TableSpec[];
  derived: readonly DerivedMetric[];
  thresholds: Thresholds;
  hasPattern: boolean;
}

/**
 * Checks between sections of one probe: each section may be valid alone and the probe still
 * promise something no detector can keep (a signal floor with no signal collected).
 */
export function checkProbeConsistency(r: YamlReader, probe: Compiled): void {
  const scalar = (name: string): MetricSpec | undefined => probe.scalars.find((m) => m.name === name);
  const at = (...path: string[]): Node | undefined => keyNodeAt(probe.top, path);

  // Reachability, reboots and stale uptime are all read from sysUpTime (SNMPv2-MIB, RFC 3418).
  if (at('scalars') && !at('scalars', 'sysUpTime'))
    r.fail(at('scalars'), 'scalars', 'every probe collects sysUpTime (1.3.6.1.2.1.1.3.0, type timeticks)');

  const floorNode = at('thresholds', 'signalFloorDbm');
  if (floorNode && !at('scalars', 'signal'))
    r.fail(floorNode, 'thresholds.signalFloorDbm', 'set, but the probe collects no "signal" scalar to judge');
  if (scalar('signal') && probe.thresholds.signalFloorDbm === undefined && !floorNode)
    r.fail(
      at('scalars', 'signal'),
      'scalars.signal',
      'a signal needs thresholds.signalFloorDbm (e.g. -27 for GPON class B+, -110 for LTE RSRP)',
    );

  checkMemoryPair(r, probe, at);

  if (probe.hasPattern) {
    const interfaces = probe.tables.find((t) => t.name === 'interfaces');
    const named = interfaces?.columns.some((c) => c.name === 'ifDescr' || c.name === 'ifName');
    if (!named)
      r.fail(
        at('upstreamInterfacePattern'),
        'upstreamInterfacePattern',
        'matches ifDescr or ifName, but the interfaces table collects neither',
      );
  }
}

/** Memory percent is used / size: both, in one unit, or neither; each a scalar or derived. */
function checkMemoryPair(r: YamlReader, probe: Compiled, at: (...path: string[]) => Node | undefined): void {
  const find = (name: string): { section: string; unit: string; scale: number } | undefined => {
    const scalar = probe.scalars.find((m) => m.name === name);
    if (scalar) return { section: 'scalars', unit: scalar.unit ?? '', scale: scalar.scale ?? 1 };
    const derived = probe.derived.find((m) => m.name === name);
    // A derived metric's scale is applied inside it: only its unit says what it counts.
    return derived ? { section: 'derived', unit: derived.unit ?? '', scale: 1 } : undefined;
  };
  const used = find('memoryUsed');
  const size = find('memorySize');
  if (used && !size)
    r.fail(at(used.section, 'memoryUsed'), `${used.section}.memoryUsed`, 'needs memorySize as well');
  if (size && !used)
    r.fail(at(size.section, 'memorySize'), `${size.section}.memorySize`, 'needs memoryUsed as well');
  if (used && size && (used.unit !== size.unit || used.scale !== size.scale))
    r.fail(
      at(used.section, 'memoryUsed'),
      `${used.section}.memoryUsed`,
      'memoryUsed and memorySize must share one unit and scale (the percent is their ratio)',
    );
}

/** The key node at a path of map keys, for pointing an error at the line a person wrote. */
function keyNodeAt(map: YAMLMap, path: readonly string[]): Node | undefined {
  let current: unknown = map;
  let keyNode: Node | undefined;
  for (const key of path) {
    if (!isMap(current)) return undefined;
    const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (!pair) return undefined;
    keyNode = pair.key as Node;
    current = pair.value;
  }
  return keyNode;
}
