import { type Cidr, cidr, type IpAddress, inCidr, parseIp } from './ip-address.js';

/**
 * What kind of destination an address is. Only `public` may receive webhooks by default;
 * see docs/webhooks.md ("Where webhooks may go").
 */
export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'unique-local'
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  | 'unspecified'
  | 'documentation'
  | 'benchmarking'
  | 'reserved'
  | 'not-an-ip';

export interface AddressClass {
  category: AddressCategory;
  /** For IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4, …): that address. */
  embedded?: IpAddress;
}

type Table = ReadonlyArray<readonly [Cidr, AddressCategory]>;

// Order matters: the first block that holds the address decides (metadata before link-local).
const IPV4: Table = [
  [cidr('169.254.169.254/32'), 'metadata'], // AWS, GCP, Azure, OCI, DigitalOcean
  [cidr('169.254.170.2/32'), 'metadata'], // AWS ECS task credentials
  [cidr('100.100.100.200/32'), 'metadata'], // Alibaba Cloud
  [cidr('255.255.255.255/32'), 'broadcast'],
  [cidr('0.0.0.0/8'), 'unspecified'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('100.64.0.0/10'), 'cgnat'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link-local'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.0.0.0/24'), 'reserved'],
  [cidr('192.0.2.0/24'), 'documentation'],
  [cidr('192.88.99.0/24'), 'reserved'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('198.18.0.0/15'), 'benchmarking'],
  [cidr('198.51.100.0/24'), 'documentation'],
  [cidr('203.0.113.0/24'), 'documentation'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('240.0.0.0/4'), 'reserved'],
];

const IPV6: Table = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('fd00:ec2::254/128'), 'metadata'], // AWS IPv6 instance metadata
  [cidr('64:ff9b:1::/48'), 'private'], // local-use NAT64
  [cidr('100::/64'), 'reserved'], // discard-only
  [cidr('2001:db8::/32'), 'documentation'],
  [cidr('2001::/23'), 'reserved'], // IETF protocol assignments, Teredo among them
  [cidr('3fff::/20'), 'documentation'],
  [cidr('5f00::/16'), 'reserved'],
  [cidr('fc00::/7'), 'unique-local'],
  [cidr('fe80::/10'), 'link-local'],
  [cidr('fec0::/10'), 'site-local'],
  [cidr('ff00::/8'), 'multicast'],
];

const GLOBAL_UNICAST = cidr('2000::/3');

/** IPv6 blocks whose low bits (or bits 16–47 for 6to4) are an IPv4 address. */
const EMBEDDING: ReadonlyArray<readonly [Cidr, (value: bigint) => bigint]> = [
  [cidr('::ffff:0:0/96'), (v) => v & 0xffffffffn], // IPv4-mapped
  [cidr('::ffff:0:0:0/96'), (v) => v & 0xffffffffn], // IPv4-translated (SIIT)
  [cidr('64:ff9b::/96'), (v) => v & 0xffffffffn], // NAT64 well-known prefix
  [cidr('2002::/16'), (v) => (v >> 80n) & 0xffffffffn], // 6to4
  [cidr('::/96'), (v) => v & 0xffffffffn], // IPv4-compatible (deprecated)
];

function fromTable(address: IpAddress, table: Table): AddressCategory | undefined {
  return table.find(([block]) => inCidr(address, block))?.[1];
}

/**
 * Classifies one literal address. Pure: no DNS, no sockets. IPv6 forms that embed an IPv4
 * address take the class of the embedded address, so `::ffff:127.0.0.1`, `64:ff9b::7f00:1`
 * and `2002:7f00:1::` are all loopback.
 */
export function classifyAddress(text: string): AddressClass {
  const address = parseIp(text);
  if (!address) return { category: 'not-an-ip' };
  if (address.version === 4) return { category: fromTable(address, IPV4) ?? 'public' };
  const exact = fromTable(address, IPV6.slice(0, 2));
  if (exact) return { category: exact };
  for (const [block, extract] of EMBEDDING) {
    if (inCidr(address, block)) {
      const embedded: IpAddress = { version: 4, value: extract(address.value) };
      return { category: fromTable(embedded, IPV4) ?? 'public', embedded };
    }
  }
  const listed = fromTable(address, IPV6);
  if (listed) return { category: listed };
  return { category: inCidr(address, GLOBAL_UNICAST) ? 'public' : 'reserved' };
}

/** What the operator allows beyond public addresses (ANTARA_WEBHOOK_ALLOW_PRIVATE, …_ALLOW_CIDRS). */
export interface DestinationPolicy {
  allowPrivate: boolean;
  allowCidrs: readonly Cidr[];
}

/** Categories ANTARA_WEBHOOK_ALLOW_PRIVATE=1 opens. Metadata, multicast and the like stay shut. */
const PRIVATE_CATEGORIES: ReadonlySet<AddressCategory> = new Set([
  'loopback',
  'private',
  'link-local',
  'cgnat',
  'unique-local',
  'site-local',
]);

export interface AddressVerdict {
  allowed: boolean;
  category: AddressCategory;
  /** Why it is allowed: a public address, or only by the operator's setting. */
  allowedBy?: 'public' | 'allow-private' | 'allow-list';
}

/** Decides whether a webhook may be sent to one literal address under a policy. */
export function judgeAddress(text: string, policy: DestinationPolicy): AddressVerdict {
  const { category, embedded } = classifyAddress(text);
  const address = parseIp(text);
  if (!address) return { allowed: false, category };
  const listed = policy.allowCidrs.some(
    (block) => inCidr(address, block) || (embedded !== undefined && inCidr(embedded, block)),
  );
  if (listed) return { allowed: true, category, allowedBy: 'allow-list' };
  if (category === 'public') return { allowed: true, category, allowedBy: 'public' };
  if (policy.allowPrivate && PRIVATE_CATEGORIES.has(category)) {
    return { allowed: true, category, allowedBy: 'allow-private' };
  }
  return { allowed: false, category };
}
