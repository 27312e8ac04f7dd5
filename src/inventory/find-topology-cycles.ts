/**
 * Finds every cycle in a device → parent map (each device has at most one parent, so the topology is a
 * forest unless a walk up ever comes back to itself). Linear time: each device is walked once, and a
 * walk that reaches a device still on its own path has found a cycle. Each cycle is returned once, in
 * walk order, e.g. ["a", "b", "c"] for a → b → c → a.
 */
export function findTopologyCycles(parentOf: ReadonlyMap<string, string>): string[][] {
  const state = new Map<string, 'walking' | 'done'>();
  const cycles: string[][] = [];
  for (const start of parentOf.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && !state.has(current)) {
      state.set(current, 'walking');
      path.push(current);
      current = parentOf.get(current);
    }
    if (current !== undefined && state.get(current) === 'walking') {
      cycles.push(path.slice(path.indexOf(current)));
    }
    for (const id of path) state.set(id, 'done');
  }
  return cycles;
}
