/**
 * The slice of topology correlation reads. Plain synchronous functions so that correlation stays pure:
 * the wiring loads what it needs (from Redis or an inventory snapshot) before calling it, and tests build
 * one by hand with topologyFromInventory.
 */
export interface CorrelationTopology {
  /** The upstream device, or null for a root or an unknown device. */
  parentOf(deviceId: string): string | null;
  childrenOf(deviceId: string): readonly string[];
  /** Every device below, at any depth, each once. */
  descendantsOf(deviceId: string): readonly string[];
  /** Subscribers linked to any of the devices, each once. */
  subscribersOf(deviceIds: readonly string[]): readonly string[];
  siteOf(deviceId: string): string | undefined;
}

/** Deeper than any real access network; a bound, so corrupted parent links can never loop a walk. */
export const MAX_TOPOLOGY_DEPTH = 64;

/** Parent, grandparent, … up to the root; stops at a device seen twice (a cycle) or MAX_TOPOLOGY_DEPTH. */
export function ancestorsOf(topology: CorrelationTopology, deviceId: string): string[] {
  const chain: string[] = [];
  const seen = new Set<string>([deviceId]);
  let parent = topology.parentOf(deviceId);
  while (parent !== null && !seen.has(parent) && chain.length < MAX_TOPOLOGY_DEPTH) {
    chain.push(parent);
    seen.add(parent);
    parent = topology.parentOf(parent);
  }
  return chain;
}
