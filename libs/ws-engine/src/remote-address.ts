/** IPv4 peers show up as IPv4-mapped IPv6 on dual-stack sockets; report them as plain IPv4. */
export function normaliseRemoteAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
