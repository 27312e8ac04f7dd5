import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Secret } from '../shared/secret.js';
import { openSnmpConnection, type SnmpTarget } from '../snmp/snmp-session.js';
import SYSTEM_GROUP_OIDS from './bench-oids.js';
import { startSimProcess } from './sim-process.js';

export interface SimBenchOptions {
  devices: number;
  concurrency: number;
  seconds: number;
  firstOctet: number;
  sharedSocket?: boolean;
  port: number;
}

export interface SimBenchResult {
  devices: number;
  processes: number;
  start_s: number;
  /** Resident memory summed over the simulator's processes, as it says it is ready. */
  rss_at_ready_mb: number;
  /** The same once start-up's garbage is given back (SETTLE_S after ready, before the load). */
  rss_mb: number;
  /** Proportional set size, summed: the processes' shared pages (Node's own code) counted once. */
  pss_mb: number;
  /** Resident memory after the load. */
  rss_after_load_mb: number;
  requests: number;
  answered: number;
  timeouts: number;
  answered_per_s: number;
  sim_cpu_s: number;
  sim_cpu_us_per_request: number;
}

/** The simulator gives its start-up garbage back over ~8 s (src/sim/release-memory.ts). */
const SETTLE_S = 10;

/** Proportional set size of a process in kB (0 if it is gone). */
function pssKb(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** User + system CPU seconds of a process, in clock ticks of 10 ms (ps rounds to whole seconds). */
function cpuSeconds(pid: number): number {
  try {
    // The fields after the command name (which may hold spaces), from the state on: utime is 14th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS_PER_S = 100;

/** Resident memory and CPU seconds of a process and its children, from ps and /proc. */
function processTree(pid: number): { rssKb: number; pssKb: number; cpuS: number; count: number } {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  let rssKb = 0;
  let pss = 0;
  let cpuS = 0;
  let count = 0;
  for (const line of out.trim().split('\n')) {
    const [p, pp, rss] = line.trim().split(/\s+/).map(Number) as [number, number, number];
    if (p === pid || pp === pid) {
      rssKb += rss;
      pss += pssKb(p);
      cpuS += cpuSeconds(p);
      count += 1;
    }
  }
  return { rssKb, pssKb: pss, cpuS, count };
}

const mb = (kb: number): number => Math.round(kb / 1024);

/**
 * Starts `vigil sim` as a process of its own (so it does not share this process's CPU), times its
 * start and reads its memory, then keeps `concurrency` 7-varbind GETs in flight against devices
 * spread over the fleet for `seconds`, counting answers.
 */
export async function runSimBench(
  options: SimBenchOptions,
  progress: (line: string) => void,
): Promise<SimBenchResult> {
  const sim = await startSimProcess({
    devices: options.devices,
    firstOctet: options.firstOctet,
    port: options.port,
    ...(options.sharedSocket ? { extraArgs: ['--shared-socket'] } : {}),
  });
  const pid = sim.pid;
  const community = sim.community;
  try {
    const startS = sim.startSeconds;
    const atReady = processTree(pid);
    progress(
      `simulator up: ${options.devices} devices in ${startS.toFixed(1)} s, ${atReady.count} processes, ${mb(atReady.rssKb)} MB`,
    );
    await new Promise((resolve) => setTimeout(resolve, SETTLE_S * 1000));
    const tree = processTree(pid);
    progress(`after ${SETTLE_S} s: ${mb(tree.rssKb)} MB resident, ${mb(tree.pssKb)} MB proportional`);

    const inventory = sim.inventory;
    const profile = { name: 'bench', version: '2c' as const, community: new Secret(community) };
    const stride = Math.max(1, Math.floor(inventory.devices.length / options.concurrency));
    const targets: SnmpTarget[] = inventory.devices
      .filter((_, i) => i % stride === 0)
      .slice(0, options.concurrency)
      .map((d) => ({ host: d.host, port: d.port, profile, timeoutMs: 1_000, retries: 0 }));

    const cpuBefore = processTree(pid).cpuS;
    const { requests, answered, timeouts, elapsedS } = await keepGetsInFlight(targets, options.seconds);
    const afterLoad = processTree(pid);
    const simCpuS = afterLoad.cpuS - cpuBefore;
    return {
      devices: options.devices,
      processes: tree.count,
      start_s: Number(startS.toFixed(2)),
      rss_at_ready_mb: mb(atReady.rssKb),
      rss_mb: mb(tree.rssKb),
      pss_mb: mb(tree.pssKb),
      rss_after_load_mb: mb(afterLoad.rssKb),
      requests,
      answered,
      timeouts,
      answered_per_s: Math.round(answered / elapsedS),
      sim_cpu_s: Number(simCpuS.toFixed(2)),
      sim_cpu_us_per_request: answered > 0 ? Math.round((simCpuS * 1e6) / answered) : 0,
    };
  } finally {
    await sim.stop();
  }
}

/** One connection per target, each with one 7-varbind GET in flight until `seconds` have passed. */
async function keepGetsInFlight(
  targets: SnmpTarget[],
  seconds: number,
): Promise<{ requests: number; answered: number; timeouts: number; elapsedS: number }> {
  let requests = 0;
  let answered = 0;
  let timeouts = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    targets.map(async (target) => {
      const connection = openSnmpConnection(target);
      while (performance.now() < deadline) {
        requests += 1;
        const result = await connection.get(SYSTEM_GROUP_OIDS);
        if (result.outcome === 'ok') answered += 1;
        else if (result.outcome === 'timeout') timeouts += 1;
      }
      connection.close();
    }),
  );
  return { requests, answered, timeouts, elapsedS: (performance.now() - started) / 1000 };
}
