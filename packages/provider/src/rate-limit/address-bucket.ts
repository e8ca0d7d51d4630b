import ipaddr from 'ipaddr.js';

/**
 * The address a rate limit counts: an IPv4 address as it is (an IPv4-mapped IPv6 address as
 * its IPv4 address), an IPv6 address as its /64 network. One IPv6 subscriber or host gets a
 * whole /64 and can change its address at will inside it, so counting single IPv6 addresses
 * would give one machine billions of fresh buckets. Anything else (no address known) counts
 * as its text.
 */
export function addressBucket(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const hextets = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${hextets.join(':')}::/64`;
}
