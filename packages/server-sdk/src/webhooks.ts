import { createHmac, timingSafeEqual } from 'node:crypto';
import { EVENT_TYPES, type EventType, TOKEN_PREFIXES } from '@antara/protocol';
import { WebhookVerificationError } from './errors.js';
import type { HeaderSource, WebhookEvent } from './types.js';

/**
 * How far a delivery's timestamp may be from now, either way, in seconds (Standard Webhooks: 5 minutes).
 *
 * @example
 * ```ts
 * import { WEBHOOK_TOLERANCE_SECONDS, Webhooks } from '@antara/server-sdk';
 * const lenient = (body: string, headers: Record<string, string>, secret: string) =>
 *   new Webhooks().verify(body, headers, secret, { toleranceSeconds: WEBHOOK_TOLERANCE_SECONDS * 2 });
 * ```
 */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Options of {@link Webhooks.verify}. */
export interface VerifyOptions {
  /** The current time in milliseconds; defaults to the clock the verifier was made with. */
  now?: number;
  /** Allowed distance between the delivery's timestamp and now. Default 300 seconds. */
  toleranceSeconds?: number;
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : value;
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(TOKEN_PREFIXES.webhookSecret)
    ? secret.slice(TOKEN_PREFIXES.webhookSecret.length)
    : secret;
  const key = Buffer.from(encoded, 'base64');
  // Why the round trip: Buffer.from(…, 'base64') silently skips junk, so a mistyped secret
  // would otherwise become a different key and every delivery would look forged.
  if (key.length === 0 || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
    throw new WebhookVerificationError(
      'webhook_invalid_secret',
      'The webhook secret is not a whsec_ value: copy it exactly as Antara showed it.',
    );
  }
  return key;
}

function isEvent(value: unknown): value is Omit<WebhookEvent, 'id'> {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return typeof event.type === 'string' && typeof event.data === 'object' && event.data !== null;
}

/**
 * Verifies Antara webhook deliveries (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature` = space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).
 * Use `antara.webhooks`, or construct one when you have no API key at hand.
 *
 * @see https://www.standardwebhooks.com/ (the specification)
 * @example
 * ```ts
 * import { Webhooks } from '@antara/server-sdk';
 * const webhooks = new Webhooks();
 * const body = '{"type":"identity.approved","timestamp":"2026-01-01T00:00:00Z","data":{}}';
 * try {
 *   webhooks.verify(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' }, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
 * } catch (error) {
 *   console.log((error as Error).name); // WebhookVerificationError: the timestamp is stale
 * }
 * ```
 */
export class Webhooks {
  readonly #now: () => number;

  /** @param now the clock, in milliseconds; tests pass a fixed one. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Checks a delivery and returns its event, or throws {@link WebhookVerificationError}.
   * Pass the raw body exactly as received (not re-serialized JSON), the request headers, and the
   * endpoint's `whsec_` secret. Rejects timestamps more than 5 minutes from now, either way;
   * accepts the delivery when any one of its signatures matches (Antara signs with two secrets
   * while one rotates). Compares in constant time.
   *
   * @example
   * ```ts
   * import http from 'node:http';
   * import { AntaraServer, WebhookVerificationError } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: process.env.ANTARA_API_KEY ?? '' });
   * http.createServer(async (req, res) => {
   *   const chunks: Buffer[] = [];
   *   for await (const chunk of req) chunks.push(chunk as Buffer);
   *   try {
   *     const event = antara.webhooks.verify(Buffer.concat(chunks), req.headers, process.env.ANTARA_WEBHOOK_SECRET ?? '');
   *     if (event.type === 'message.delivered') console.log('delivered', event.data.messageId);
   *     res.writeHead(204).end();
   *   } catch (error) {
   *     res.writeHead(error instanceof WebhookVerificationError ? 400 : 500).end();
   *   }
   * });
   * ```
   */
  verify(
    rawBody: string | Uint8Array,
    headers: HeaderSource,
    secret: string,
    options: VerifyOptions = {},
  ): WebhookEvent {
    const { id, body } = this.#check(rawBody, headers, secret, options);
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new WebhookVerificationError('webhook_invalid_payload', 'The signed body is not JSON.');
    }
    if (!isEvent(payload)) {
      throw new WebhookVerificationError(
        'webhook_invalid_payload',
        'The signed body is not an Antara event {type, timestamp, data}.',
      );
    }
    return { ...payload, id } as WebhookEvent;
  }

  /**
   * The signature and timestamp checks of {@link Webhooks.verify} without parsing the body, for
   * receivers that handle the raw bytes themselves. Returns the delivery's id and timestamp.
   *
   * @example
   * ```ts
   * import { Webhooks } from '@antara/server-sdk';
   * const { id } = new Webhooks(() => 1614265330_000).verifySignature(
   *   '{"test": 2432232314}',
   *   {
   *     'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
   *     'webhook-timestamp': '1614265330',
   *     'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
   *   },
   *   'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
   * );
   * console.log(id); // msg_p5jXN8AQM9LWM0D4loKWxJek
   * ```
   */
  verifySignature(
    rawBody: string | Uint8Array,
    headers: HeaderSource,
    secret: string,
    options: VerifyOptions = {},
  ): { id: string; timestamp: number } {
    const { id, timestamp } = this.#check(rawBody, headers, secret, options);
    return { id, timestamp };
  }

  #check(
    rawBody: string | Uint8Array,
    headers: HeaderSource,
    secret: string,
    options: VerifyOptions,
  ): { id: string; timestamp: number; body: Buffer } {
    const id = header(headers, 'webhook-id');
    const timestamp = header(headers, 'webhook-timestamp');
    const signatures = header(headers, 'webhook-signature');
    if (!id || !timestamp || !signatures) {
      throw new WebhookVerificationError(
        'webhook_missing_headers',
        'The delivery lacks webhook-id, webhook-timestamp or webhook-signature.',
      );
    }
    const key = secretKey(secret);
    const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
    const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
    const nowSeconds = Math.floor((options.now ?? this.#now()) / 1000);
    if (!Number.isFinite(seconds) || Math.abs(nowSeconds - seconds) > tolerance) {
      throw new WebhookVerificationError(
        'webhook_timestamp_stale',
        `The delivery's timestamp is more than ${tolerance} seconds from now (replayed, or a wrong clock).`,
      );
    }
    const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
    // Why every entry: while a secret rotates, Antara signs with the old and the new one.
    const matches = signatures.split(' ').some((entry) => {
      const [version, value] = entry.split(',', 2);
      if (version !== 'v1' || !value) return false;
      const given = Buffer.from(value, 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!matches) {
      throw new WebhookVerificationError(
        'webhook_invalid_signature',
        'No signature of the delivery matches this secret: the body was changed or the secret is wrong.',
      );
    }
    return { id, timestamp: seconds, body };
  }

  /**
   * Whether a verified event's type is one this SDK version knows. Antara may add event types;
   * ignore those you do not handle rather than failing the delivery.
   *
   * @example
   * ```ts
   * import { Webhooks } from '@antara/server-sdk';
   * console.log(Webhooks.isKnownType('identity.approved')); // true
   * ```
   */
  static isKnownType(type: string): type is EventType {
    return (EVENT_TYPES as readonly string[]).includes(type);
  }
}
