import snmp from 'net-snmp';
import { RequestTimedOutError } from './net-snmp-shims.js';

/**
 * The benchmarks' baseline: one GET as anyone would write it with net-snmp — a session, a request, a
 * close — with nothing of Vigil's around it. A session per request because one per device would need
 * a descriptor per device (net-snmp binds a socket per session), past this machine's limit at 100k.
 */
export function bareNetSnmpGet(
  host: string,
  port: number,
  community: string,
  oids: string[],
  timeoutMs: number,
  retries: number,
): Promise<'ok' | 'timeout' | 'error'> {
  return new Promise((resolve) => {
    const session = snmp.createSession(host, community, {
      port,
      version: snmp.Version2c,
      timeout: timeoutMs,
      retries,
    });
    session.on('error', () => undefined);
    session.get(oids, (error) => {
      session.close();
      if (!error) resolve('ok');
      else resolve(error instanceof RequestTimedOutError ? 'timeout' : 'error');
    });
  });
}
