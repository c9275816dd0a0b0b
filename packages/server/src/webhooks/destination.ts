import { promises as dns, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { Config } from '../config/config.js';
import { AntaraError } from '../errors/antara-error.js';
import { type AddressVerdict, type DestinationPolicy, judgeAddress } from './address-policy.js';
import { type Cidr, parseCidr, parseIp } from './ip-address.js';

/** Resolves a host name to every address it has. Injected so tests never touch real DNS. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: HostResolver = (hostname) =>
  dns.lookup(hostname, { all: true, verbatim: true } satisfies LookupAllOptions);

export function destinationPolicy(config: Config['webhooks']): DestinationPolicy {
  return {
    allowPrivate: config.allowPrivate,
    allowCidrs: config.allowCidrs.map((block) => parseCidr(block)).filter((c): c is Cidr => c !== null),
  };
}

/** Why a destination was refused; `details` of the 400 and the `error` of a refused attempt. */
export interface Refusal {
  reason: string;
  message: string;
  address?: string;
  category?: string;
}

/** The host of a URL without IPv6 brackets. */
const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

function refusalForAddress(host: string, address: string, verdict: AddressVerdict): Refusal {
  return {
    reason: 'address_not_allowed',
    message: `${host} is ${address === host ? 'a' : `${address}, a`} ${verdict.category} address; webhooks go to public addresses only.`,
    address,
    category: verdict.category,
  };
}

/**
 * Judges every address a host has. Refuses if any one is not allowed: a name that mixes a
 * public and a private address is treated as an attempt to reach the private one.
 */
export async function resolveChecked(
  host: string,
  policy: DestinationPolicy,
  resolve: HostResolver,
): Promise<{ addresses: LookupAddress[]; verdicts: AddressVerdict[] } | Refusal> {
  const literal = parseIp(host);
  let addresses: LookupAddress[];
  if (literal) {
    addresses = [{ address: host, family: literal.version }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) {
      return { reason: 'unresolvable', message: `${host} does not resolve to any address.` };
    }
  }
  const verdicts = addresses.map((a) => judgeAddress(a.address, policy));
  const refused = verdicts.findIndex((v) => !v.allowed);
  if (refused !== -1) return refusalForAddress(host, addresses[refused]!.address, verdicts[refused]!);
  return { addresses, verdicts };
}

const isRefusal = (value: object): value is Refusal => 'reason' in value;

/**
 * Checks a webhook URL at registration: http(s) only, no credentials or fragment, and every
 * address the host resolves to must be allowed. `http:` is accepted only for destinations the
 * operator opened (ANTARA_WEBHOOK_ALLOW_PRIVATE or the CIDR allow-list); public ones need https.
 * Throws 400 webhook_url_refused with the reason in `details`.
 */
export async function checkWebhookUrl(
  raw: string,
  policy: DestinationPolicy,
  resolve: HostResolver,
): Promise<URL> {
  const refuse = (refusal: Refusal): never => {
    const { message, ...details } = refusal;
    throw new AntaraError('webhook_url_refused', message, { details });
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse({ reason: 'invalid_url', message: 'The webhook URL is not an absolute URL.' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return refuse({ reason: 'scheme', message: 'Webhook URLs must use https.' });
  }
  if (url.username || url.password) {
    return refuse({ reason: 'credentials', message: 'Webhook URLs may not carry a user name or password.' });
  }
  if (url.hash) return refuse({ reason: 'fragment', message: 'Webhook URLs may not carry a #fragment.' });
  const host = hostOf(url);
  const checked = await resolveChecked(host, policy, resolve);
  if (isRefusal(checked)) return refuse(checked);
  const opened = policy.allowPrivate || checked.verdicts.every((v) => v.allowedBy === 'allow-list');
  if (url.protocol === 'http:' && !opened) {
    return refuse({ reason: 'scheme', message: 'Webhook URLs must use https.' });
  }
  return url;
}

/** The error a socket fails with when the address it would connect to is not allowed. */
export class DestinationRefusedError extends Error {
  readonly code = 'EWEBHOOKREFUSED';
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'DestinationRefusedError';
  }
}

/**
 * A `lookup` for net/tls.connect that resolves, judges every address, and hands the socket only
 * addresses that passed. The socket connects to exactly what was checked, so a DNS answer that
 * changes between registration and delivery (rebinding) cannot reach a private address.
 */
export function checkedLookup(policy: DestinationPolicy, resolve: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(hostname, policy, resolve).then(
      (checked) => {
        if (isRefusal(checked)) {
          callback(new DestinationRefusedError(checked), '', 0);
          return;
        }
        const family = typeof options.family === 'number' ? options.family : 0;
        const usable = checked.addresses.filter((a) => family === 0 || a.family === family);
        if (usable.length === 0) {
          const error = Object.assign(new Error(`${hostname} has no IPv${family} address`), {
            code: 'ENOTFOUND',
          });
          callback(error, '', 0);
          return;
        }
        if (options.all) (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: Error) => callback(error, '', 0),
    );
  };
}
