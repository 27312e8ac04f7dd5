import { createSocket } from 'node:dgram';

/** Below Linux's ephemeral range (32768–60999), where the OS never hands out a port for bind(0). */
const LOW_PORTS = { from: 20_000, to: 31_999 };

/**
 * A UDP port free now on every address, below the ephemeral range, for a port a drill's, bench's or eval's
 * process binds a while later. A port the OS hands out as free (bind 0) is an ephemeral one: by the time the poller binds
 * it, any socket bound to 0.0.0.0 meanwhile (a net-snmp session, a benchmark's thousands) may have been
 * given it, and then no poller receives traps at all. Ports in this range are never handed out that way.
 */
export async function freeUdpPort(tries = 50): Promise<number> {
  for (let i = 0; i < tries; i++) {
    const port = LOW_PORTS.from + Math.floor(Math.random() * (LOW_PORTS.to - LOW_PORTS.from + 1));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free UDP port in ${LOW_PORTS.from}-${LOW_PORTS.to} after ${tries} tries`);
}

function bindable(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '0.0.0.0', () => socket.close(() => resolve(true)));
  });
}
