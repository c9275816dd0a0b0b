import { describe, expect, it } from 'vitest';
import { classifyAddress, type DestinationPolicy, judgeAddress } from '../src/webhooks/address-policy.js';
import { checkWebhookUrl, type HostResolver } from '../src/webhooks/destination.js';
import { parseCidr } from '../src/webhooks/ip-address.js';

const CLOSED: DestinationPolicy = { allowPrivate: false, allowCidrs: [] };

describe('the webhook address classifier (a pure function)', () => {
  const table: Array<[string, string]> = [
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['1.1.1.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['ff05::2', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001:0::1', 'reserved'], // Teredo
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'], // outside 2000::/3
    // IPv6 forms that carry an IPv4 address take that address's class.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:127.0.0.1', 'loopback'], // IPv4-translated
    ['::127.0.0.1', 'loopback'], // IPv4-compatible
    ['64:ff9b::7f00:1', 'loopback'], // NAT64
    ['64:ff9b::a9fe:a9fe', 'metadata'], // NAT64 of 169.254.169.254
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::', 'loopback'], // 6to4 of 127.0.0.1
    ['2002:c0a8:101::1', 'private'], // 6to4 of 192.168.1.1
    ['2002:808:808::1', 'public'],
    ['localhost', 'not-an-ip'],
    ['127.1', 'not-an-ip'],
    ['0x7f000001', 'not-an-ip'],
  ];
  it.each(table)('classifies %s as %s', (address, category) => {
    expect(classifyAddress(address).category).toBe(category);
  });

  it('allows only public addresses by default', () => {
    for (const [address, category] of table) {
      expect(judgeAddress(address, CLOSED).allowed, address).toBe(category === 'public');
    }
  });

  it('opens loopback, private, link-local, CGNAT and ULA with allowPrivate, but never metadata or multicast', () => {
    const open = { allowPrivate: true, allowCidrs: [] };
    for (const address of [
      '127.0.0.1',
      '::1',
      '10.0.0.1',
      '169.254.1.1',
      '100.64.0.1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(judgeAddress(address, open)).toMatchObject({ allowed: true, allowedBy: 'allow-private' });
    }
    for (const address of [
      '169.254.169.254',
      '::ffff:169.254.169.254',
      'fd00:ec2::254',
      '224.0.0.1',
      '0.0.0.0',
      '255.255.255.255',
    ]) {
      expect(judgeAddress(address, open).allowed, address).toBe(false);
    }
  });

  it('opens exactly the blocks of the CIDR allow-list, including their IPv4-mapped forms', () => {
    const listed = { allowPrivate: false, allowCidrs: [parseCidr('10.20.0.0/16')!, parseCidr('fd12::/16')!] };
    expect(judgeAddress('10.20.3.4', listed)).toMatchObject({ allowed: true, allowedBy: 'allow-list' });
    expect(judgeAddress('::ffff:10.20.3.4', listed)).toMatchObject({
      allowed: true,
      allowedBy: 'allow-list',
    });
    expect(judgeAddress('fd12::9', listed).allowed).toBe(true);
    expect(judgeAddress('10.21.0.1', listed).allowed).toBe(false);
    expect(judgeAddress('127.0.0.1', listed).allowed).toBe(false);
  });

  it('parses CIDRs strictly', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ version: 4, base: 0x0a000000n, prefix: 8 });
    expect(parseCidr('10.1.2.3/8')?.base).toBe(0x0a000000n);
    expect(parseCidr('::1')).toEqual({ version: 6, base: 1n, prefix: 128 });
    for (const bad of ['10.0.0.0/33', '::/129', 'ten/8', '10.0.0.0/8/1', '10.0.0.0/-1', '']) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });
});

describe('webhook URL checks at registration', () => {
  const dns: Record<string, string[]> = {
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'internal.example.com': ['10.0.0.7'],
    'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
    'metadata.example.com': ['169.254.169.254'],
    'v6-loop.example.com': ['::ffff:127.0.0.1'],
  };
  const resolve: HostResolver = async (host) =>
    (dns[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const refusal = async (url: string, policy = CLOSED) => {
    try {
      await checkWebhookUrl(url, policy, resolve);
      return null;
    } catch (error) {
      return (error as { code: string; extra: { details: { reason: string; category?: string } } }).extra
        .details;
    }
  };

  it('accepts an https URL whose every address is public', async () => {
    expect((await checkWebhookUrl('https://hooks.example.com/antara', CLOSED, resolve)).href).toBe(
      'https://hooks.example.com/antara',
    );
  });

  it('refuses literal and resolved non-public addresses, whatever their spelling', async () => {
    const cases: Array<[string, string]> = [
      ['https://127.0.0.1/', 'loopback'],
      ['https://127.1/', 'loopback'],
      ['https://0x7f000001/', 'loopback'],
      ['https://2130706433/', 'loopback'],
      ['https://[::1]/', 'loopback'],
      ['https://[::ffff:127.0.0.1]/', 'loopback'],
      ['https://[::ffff:a9fe:a9fe]/', 'metadata'],
      ['https://169.254.169.254/latest/meta-data', 'metadata'],
      ['https://100.64.1.1/', 'cgnat'],
      ['https://[fd00::1]/', 'unique-local'],
      ['https://[ff02::1]/', 'multicast'],
      ['https://internal.example.com/', 'private'],
      ['https://mixed.example.com/', 'loopback'],
      ['https://metadata.example.com/', 'metadata'],
      ['https://v6-loop.example.com/', 'loopback'],
    ];
    for (const [url, category] of cases) {
      expect(await refusal(url), url).toMatchObject({ reason: 'address_not_allowed', category });
    }
  });

  it('refuses other schemes, credentials, fragments, plain http to public hosts and names that do not resolve', async () => {
    expect(await refusal('ftp://hooks.example.com/')).toMatchObject({ reason: 'scheme' });
    expect(await refusal('http://hooks.example.com/')).toMatchObject({ reason: 'scheme' });
    expect(await refusal('https://u:p@hooks.example.com/')).toMatchObject({ reason: 'credentials' });
    expect(await refusal('https://hooks.example.com/#x')).toMatchObject({ reason: 'fragment' });
    expect(await refusal('https://nowhere.example.com/')).toMatchObject({ reason: 'unresolvable' });
    expect(await refusal('not a url')).toMatchObject({ reason: 'invalid_url' });
  });

  it('lets the operator open loopback (and plain http) for tests and local development', async () => {
    const open = { allowPrivate: true, allowCidrs: [] };
    expect(await refusal('http://127.0.0.1:9000/hook', open)).toBeNull();
    expect(await refusal('https://169.254.169.254/', open)).toMatchObject({ category: 'metadata' });
    const listed = { allowPrivate: false, allowCidrs: [parseCidr('10.0.0.0/24')!] };
    expect(await refusal('http://internal.example.com/', listed)).toBeNull();
  });
});
