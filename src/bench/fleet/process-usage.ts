import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) and resident memory of one process, from /proc; zeros once it is gone. */
export interface ProcessUsage {
  pid: number;
  cpuS: number;
  rssMb: number;
  /** Its niceness (of its main thread). */
  nice: number;
}

const PAGE_BYTES = 4096;
const TICKS_PER_S = 100;

/** The fields of /proc/<pid>/stat after the command name (field 3 on), or none. */
function statFields(pid: number): string[] {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

export function processUsage(pid: number): ProcessUsage {
  const fields = statFields(pid);
  return {
    pid,
    cpuS: (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS_PER_S,
    rssMb: (Number(fields[21] ?? 0) * PAGE_BYTES) / 2 ** 20,
    nice: Number(fields[16] ?? 0),
  };
}

/** The direct children of `pid` (the simulator's shard processes). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))[1]);
    if (parent === pid) children.push(Number(entry));
  }
  return children;
}

/** A process and its direct children, summed: the simulator with its shards. */
export function treeUsage(pid: number): ProcessUsage & { processes: number } {
  const all = [pid, ...childPids(pid)].map(processUsage);
  return {
    pid,
    processes: all.length,
    cpuS: all.reduce((sum, u) => sum + u.cpuS, 0),
    rssMb: all.reduce((sum, u) => sum + u.rssMb, 0),
    nice: all[0]?.nice ?? 0,
  };
}
