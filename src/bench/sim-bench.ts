import { execFileSync } from 'node:child_process';
import { Secret } from '../shared/secret.js';
import { openSnmpConnection, type SnmpTarget } from '../snmp/snmp-session.js';
import SYSTEM_GROUP_OIDS from './bench-oids.js';
import { startSimProcess } from './sim-process.js';

export interface SimBenchOptions {
  devices: number;
  concurrency: number;
  seconds: number;
  firstOctet: number;
  port: number;
}

export interface SimBenchResult {
  devices: number;
  processes: number;
  start_s: number;
  rss_mb: number;
  requests: number;
  answered: number;
  timeouts: number;
  answered_per_s: number;
  sim_cpu_s: number;
  sim_cpu_us_per_request: number;
}

/** Resident memory and CPU seconds of a process and its children, from /proc via ps. */
function processTree(pid: number): { rssKb: number; cpuS: number; count: number } {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss=,times='], { encoding: 'utf8' });
  let rssKb = 0;
  let cpuS = 0;
  let count = 0;
  for (const line of out.trim().split('\n')) {
    const [p, pp, rss, times] = line.trim().split(/\s+/).map(Number) as [number, number, number, number];
    if (p === pid || pp === pid) {
      rssKb += rss;
      cpuS += times;
      count += 1;
    }
  }
  return { rssKb, cpuS, count };
}

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
  });
  const pid = sim.pid;
  const community = sim.community;
  try {
    const startS = sim.startSeconds;
    const tree = processTree(pid);
    progress(
      `simulator up: ${options.devices} devices in ${startS.toFixed(1)} s, ${tree.count} processes, ${Math.round(tree.rssKb / 1024)} MB`,
    );

    const inventory = sim.inventory;
    const profile = { name: 'bench', version: '2c' as const, community: new Secret(community) };
    const stride = Math.max(1, Math.floor(inventory.devices.length / options.concurrency));
    const targets: SnmpTarget[] = inventory.devices
      .filter((_, i) => i % stride === 0)
      .slice(0, options.concurrency)
      .map((d) => ({ host: d.host, port: d.port, profile, timeoutMs: 1_000, retries: 0 }));

    let requests = 0;
    let answered = 0;
    let timeouts = 0;
    const deadline = performance.now() + options.seconds * 1000;
    const cpuBefore = processTree(pid).cpuS;
    const loadStarted = performance.now();
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
    const elapsedS = (performance.now() - loadStarted) / 1000;
    // ps reports CPU time in whole seconds: good enough over a run of several seconds.
    const simCpuS = processTree(pid).cpuS - cpuBefore;
    return {
      devices: options.devices,
      processes: tree.count,
      start_s: Number(startS.toFixed(2)),
      rss_mb: Math.round(tree.rssKb / 1024),
      requests,
      answered,
      timeouts,
      answered_per_s: Math.round(answered / elapsedS),
      sim_cpu_s: simCpuS,
      sim_cpu_us_per_request: answered > 0 ? Math.round((simCpuS * 1e6) / answered) : 0,
    };
  } finally {
    await sim.stop();
  }
}
