import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { freeUdpPort } from '../../src/platform/free-udp-port.js';

describe('freeUdpPort', () => {
  it("finds a port below Linux's ephemeral range that a socket can then bind on loopback", async () => {
    const port = await freeUdpPort();
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(32_768);
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    expect(socket.address().port).toBe(port);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  });
});
