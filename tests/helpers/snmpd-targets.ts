import { randomPort } from './test-simulator.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './wait.js';

const exec = promisify(execFile);

export interface SnmpdTargets {
  /** A --targets file: `host:port model` per line, every address of every agent. */
  file: string;
  community: string;
  addresses: number;
  stop(): Promise<void>;
}

/**
 * Debian's snmpd as a fleet of targets for `vigil bench poll --targets`: `agents` processes, each
 * listening on `addressesPerAgent` loopback addresses of its own (127.<block>.<agent>.<n>), one port.
 * Each address answers as a device of its own would (its own socket), but an agent's addresses share
 * its one process: they are listed with one model, as the devices of one model and firmware are. The
 * community is made per run; -C skips the system's snmpd.conf, MIBS='' spares the MIB parsing.
 */
export async function startSnmpdTargets(options: {
  agents: number;
  addressesPerAgent: number;
  block: number;
}): Promise<SnmpdTargets> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-snmpd-targets-'));
  const community = `bench-${Math.random().toString(36).slice(2, 12)}`;
  const port = randomPort();
  await writeFile(join(dir, 'snmpd.conf'), `rocommunity ${community} 127.0.0.0/8\n`);
  const children: ChildProcess[] = [];
  const lines: string[] = [];
  for (let agent = 1; agent <= options.agents; agent++) {
    const hosts = Array.from(
      { length: options.addressesPerAgent },
      (_, n) => `127.${options.block}.${agent}.${n + 1}`,
    );
    const env = { ...process.env, MIBS: '', SNMP_PERSISTENT_DIR: join(dir, `persistent-${agent}`) };
    const args = ['-f', '-Lf', join(dir, `snmpd-${agent}.log`), '-C', '-c', join(dir, 'snmpd.conf')];
    const listen = hosts.map((host) => `udp:${host}:${port}`).join(',');
    children.push(spawn('snmpd', [...args, listen], { env, stdio: 'ignore' }));
    lines.push(...hosts.map((host) => `${host}:${port} net-snmp-debian`));
  }
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  // Each agent answers once it has read its configuration and bound its addresses: its last one asked.
  try {
    for (let agent = 1; agent <= options.agents; agent++) {
      const host = `127.${options.block}.${agent}.${options.addressesPerAgent}`;
      const get = ['-v2c', '-c', community, '-t', '0.3', '-r', '0', `${host}:${port}`, '1.3.6.1.2.1.1.3.0'];
      await until(() => exec('snmpget', get).then(() => true), {
        timeoutMs: 20_000,
        what: `snmpd at ${host}`,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const file = join(dir, 'targets.txt');
  await writeFile(file, `${lines.join('\n')}\n`);
  return { file, community, addresses: lines.length, stop };
}
