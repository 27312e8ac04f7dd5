import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Credentials generated per run: nothing secret lives in the repository. */
function randomWord(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 12)}`;
}

export interface Snmpd {
  host: string;
  port: number;
  community: string;
  user: { name: string; authKey: string; privKey: string };
  /** Net-SNMP's command-line tools against this agent: numeric OIDs, no MIB loading. */
  netSnmp(tool: 'snmpget' | 'snmpwalk', args: string[], v3?: boolean): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts Debian's snmpd (Net-SNMP) in the foreground on a random loopback port, with a private
 * configuration: a read-only community and one SNMPv3 authPriv user (SHA/AES). `createUser` may sit in
 * the -c file: snmpd reads it at start and writes the localized usmUser line to the persistent store,
 * which SNMP_PERSISTENT_DIR points into the temporary directory so nothing under /var/lib/snmp is
 * touched (or needs root). -C skips the system's snmpd.conf; MIBS='' spares the log a MIB-parsing flood.
 */
export async function startSnmpd(): Promise<Snmpd> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-snmpd-'));
  const community = randomWord('ro');
  const user = { name: randomWord('vigil'), authKey: randomWord('auth'), privKey: randomWord('priv') };
  await writeFile(
    join(dir, 'snmpd.conf'),
    [
      `rocommunity ${community} 127.0.0.1`,
      `createUser ${user.name} SHA "${user.authKey}" AES "${user.privKey}"`,
      `rouser ${user.name} priv`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, MIBS: '', SNMP_PERSISTENT_DIR: join(dir, 'persistent') };
  const host = '127.0.0.1';

  const netSnmp = async (tool: string, args: string[], port: number, v3 = false): Promise<string> => {
    const auth = v3
      ? ['-v3', '-l', 'authPriv', '-u', user.name, '-a', 'SHA', '-A', user.authKey]
      : ['-v2c', '-c', community];
    const privacy = v3 ? ['-x', 'AES', '-X', user.privKey] : [];
    const { stdout } = await exec(
      tool,
      [
        '-On',
        '-t',
        '1',
        '-r',
        '1',
        ...auth,
        ...privacy,
        ...args.slice(0, -1),
        `${host}:${port}`,
        ...args.slice(-1),
      ],
      { env },
    );
    return stdout.trim();
  };

  // A random port may be taken: snmpd then exits at once, and another port is tried.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    const child = spawn(
      'snmpd',
      [
        '-f',
        '-Lf',
        join(dir, 'snmpd.log'),
        '-C',
        '-c',
        join(dir, 'snmpd.conf'),
        '-p',
        join(dir, 'pid'),
        `udp:${host}:${port}`,
      ],
      { env, stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (await answers(() => netSnmp('snmpget', ['1.3.6.1.2.1.1.5.0'], port), exited)) {
      return {
        host,
        port,
        community,
        user,
        netSnmp: (tool, args, v3) => netSnmp(tool, args, port, v3),
        stop: async () => {
          await stop(child, exited);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await stop(child, exited);
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error('snmpd did not start on any of 5 random ports (is package snmpd installed?)');
}

/** Polls with snmpget until the agent answers, for up to 10 s, or until it has exited. */
async function answers(get: () => Promise<string>, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  while (!gone && Date.now() < deadline) {
    try {
      await get();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return false;
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}
