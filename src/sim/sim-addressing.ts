/**
 * Each simulated device has an address of its own on 127.0.0.0/8, as real equipment has its own
 * management address: 250 hosts per /24 (no .0, no .255), 64,000 per second octet, starting at
 * 127.<firstOctet>.0.1. All devices listen on the same port, like :161 in a real network.
 */
export const HOSTS_PER_SECOND_OCTET = 250 * 256;

export function simHostAddress(index: number, firstOctet: number): string {
  const second = firstOctet + Math.floor(index / HOSTS_PER_SECOND_OCTET);
  if (second > 254) throw new Error(`device ${index} does not fit on 127.${firstOctet}.0.0 and above`);
  const third = Math.floor(index / 250) % 256;
  const fourth = 1 + (index % 250);
  return `127.${second}.${third}.${fourth}`;
}
