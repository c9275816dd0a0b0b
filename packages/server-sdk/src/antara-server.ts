import { randomUUID } from 'node:crypto';
import { type AppSession, TOKEN_PREFIXES } from '@antara/protocol';
import { AppWebhooks } from './app-webhooks.js';
import { AntaraError, AntaraInvalidRequestError, AntaraServerError } from './errors.js';
import { type RetryOptions, Transport } from './transport.js';
import type {
  AiChatInput,
  AiChatResult,
  AppConnection,
  IdentityLookup,
  Introspection,
  OAuthTokens,
  SendInput,
  SentMessage,
} from './types.js';

/**
 * The hosted Antara. Self-hosted instances pass their own `apiBase`.
 *
 * @example
 * ```ts
 * import { AntaraServer, DEFAULT_API_BASE } from '@antara/server-sdk';
 * const antara = new AntaraServer({ apiKey: 'antara_live_...', apiBase: process.env.ANTARA_API_BASE ?? DEFAULT_API_BASE });
 * ```
 */
export const DEFAULT_API_BASE = 'https://useantara.com';

/** Options of {@link AntaraServer}. */
export interface AntaraServerOptions {
  /** The app's API key, `antara_live_…` (the client secret). Keep it on the server. */
  apiKey: string;
  /** Base URL of Antara. Default `https://useantara.com`. */
  apiBase?: string;
  /** Retry settings for 429, 5xx and network failures. */
  retry?: RetryOptions;
  /** Timeout of one HTTP attempt. Default 30,000 ms. */
  timeoutMs?: number;
  /** Seconds before expiry at which the app token is renewed. Default 60 (half the lifetime when shorter). */
  renewBeforeSeconds?: number;
  /** The fetch to use; defaults to the global one of Node ≥ 20. */
  fetch?: typeof fetch;
  /** The clock, in milliseconds. Tests pass a controlled one. */
  now?: () => number;
  /** How to wait between retries. Tests pass one that records the delays. */
  sleep?: (ms: number) => Promise<void>;
}

interface HeldToken {
  accessToken: string;
  /** Local clock time (ms) at which to renew: expiry minus the margin, measured from receipt. */
  renewAt: number;
  connection: AppConnection;
}

const VERSION = '0.1.0';
const SLUG_ADDRESS = /@useantara\.com$/i;

function invalid(message: string): AntaraInvalidRequestError {
  return new AntaraInvalidRequestError({ code: 'invalid_request', message, status: 0 });
}

/**
 * Antara for your server: exchanges the API key for short-lived app tokens (and renews them
 * before they expire), sends messages exactly once, resolves identities, verifies webhooks.
 * Every failure is an {@link AntaraError} with `code`, `status`, `requestId` and `retryAfter`.
 *
 * @example
 * ```ts
 * import { AntaraServer } from '@antara/server-sdk';
 * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
 * await antara.connect();
 * await antara.send({ slug: '...', message: 'Hello!' });
 * ```
 */
export class AntaraServer {
  /**
   * Webhook verification with this client's clock, and the app's webhook endpoints.
   *
   * @example
   * ```ts
   * import { AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * const verifyDelivery = (body: string, headers: Record<string, string>) =>
   *   antara.webhooks.verify(body, headers, 'whsec_...');
   * ```
   */
  readonly webhooks: AppWebhooks;
  readonly #apiKey: string;
  readonly #transport: Transport;
  readonly #now: () => number;
  readonly #renewBeforeSeconds: number;
  #token: HeldToken | undefined;
  #renewing: Promise<HeldToken> | undefined;

  constructor(options: AntaraServerOptions) {
    if (typeof options?.apiKey !== 'string' || !options.apiKey.startsWith(TOKEN_PREFIXES.apiKey)) {
      throw invalid(`apiKey must be the app's API key (${TOKEN_PREFIXES.apiKey}…).`);
    }
    this.#apiKey = options.apiKey;
    this.#now = options.now ?? Date.now;
    this.#renewBeforeSeconds = options.renewBeforeSeconds ?? 60;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.#transport = new Transport({
      apiBase: (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, ''),
      fetch: fetchImpl,
      now: this.#now,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: Math.random,
      retry: {
        maxRetries: options.retry?.maxRetries ?? 3,
        baseDelayMs: options.retry?.baseDelayMs ?? 250,
        maxDelayMs: options.retry?.maxDelayMs ?? 8000,
        maxRetryAfterSeconds: options.retry?.maxRetryAfterSeconds ?? 60,
      },
      timeoutMs: options.timeoutMs ?? 30_000,
      userAgent: `antara-server-sdk/${VERSION} node/${process.version}`,
    });
    this.webhooks = new AppWebhooks(this.#now, this.#transport, () => this.#appAuth());
  }

  /**
   * Exchanges the API key for an `aat_` app token (`POST /auth/token/exchange`) and returns what
   * it grants. Optional: every other call connects on first use. Afterwards the token is renewed
   * shortly before it expires, and once more if Antara ever refuses it as expired.
   *
   * @example
   * ```ts
   * import { AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * const { appId, scopes } = await antara.connect();
   * console.log(appId, scopes); // fails fast at start-up when the key is wrong
   * ```
   */
  async connect(): Promise<AppConnection> {
    return (await this.#renew()).connection;
  }

  /**
   * Sends a message to a person's Antara inbox (`POST /app/v1/messages`). Give the recipient as
   * `slug` or as `to: "<slug>@useantara.com"`, the text as `message` or `body`. The send is
   * exactly-once: an Idempotency-Key (yours or a generated UUID) goes with every attempt, so a
   * retry after a lost response returns the first result instead of a second message.
   * Retries 429, 5xx and network failures with backoff, waiting `retryAfter` when Antara says so.
   *
   * @example
   * ```ts
   * import { AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * const sent = await antara.send({ slug: 'xK9mNp4QrT2w', message: 'Your order #1234 shipped!', idempotencyKey: 'order-1234-shipped' });
   * console.log(sent.messageId, sent.replayed);
   * ```
   */
  async send(input: SendInput): Promise<SentMessage> {
    const recipient = this.#recipient(input);
    const text = input.message ?? input.body;
    if (typeof text !== 'string' || text.length === 0) throw invalid('Give the text as message (or body).');
    if (input.message !== undefined && input.body !== undefined) {
      throw invalid('Give the text as message or as body, not both.');
    }
    const idempotencyKey = input.idempotencyKey ?? randomUUID();
    const body: Record<string, string> = { ...recipient, body: text };
    if (input.subject !== undefined) body.subject = input.subject;
    const result = await this.#transport.call<Omit<SentMessage, 'idempotencyKey' | 'replayed'>>({
      method: 'POST',
      path: '/app/v1/messages',
      body,
      headers: { 'idempotency-key': idempotencyKey },
      retry: 'safe',
      ...this.#appAuth(),
    });
    return {
      ...result.data,
      idempotencyKey,
      replayed: result.headers.get('idempotent-replayed') === 'true',
    };
  }

  /**
   * The current slug, alias and trust of a person who approved your app, by the `userId` you
   * stored at login (`POST /app/v1/identity/lookup`). Slugs can be rotated by the person; the
   * `userId` stays. A person without a live grant to your app is a 404 {@link AntaraNotFoundError}.
   *
   * @example
   * ```ts
   * import { AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * const { slug, alias } = await antara.lookup('6f1c2a4e-0b7d-4c1e-9a55-2f7f2d0f3b1a');
   * console.log(slug, alias);
   * ```
   */
  async lookup(userId: string): Promise<IdentityLookup> {
    if (typeof userId !== 'string' || userId.length === 0) throw invalid('lookup(userId) needs a user id.');
    const result = await this.#transport.call<IdentityLookup>({
      method: 'POST',
      path: '/app/v1/identity/lookup',
      body: { userId },
      retry: 'safe',
      ...this.#appAuth(),
    });
    return result.data;
  }

  /**
   * Whether a token is live and what it carries (`POST /auth/introspect`): `active`, `scopes`,
   * `audience` (your app id for tokens issued to your app), expiry and the identity behind it.
   * Check `audience` before trusting a token a browser handed you.
   *
   * @example
   * ```ts
   * import { AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * const { appId } = await antara.connect();
   * const info = await antara.introspect('oit_...');
   * const mine = info.active && info.audience === appId;
   * console.log(mine);
   * ```
   */
  async introspect(token: string): Promise<Introspection> {
    if (typeof token !== 'string' || token.length === 0) throw invalid('introspect(token) needs a token.');
    const result = await this.#transport.call<Introspection>({
      method: 'POST',
      path: '/auth/introspect',
      body: { token },
      retry: 'safe',
    });
    return result.data;
  }

  /**
   * Finishes "Login with Antara" on your server: exchanges the authorization code from your
   * callback with the PKCE verifier (`POST /oauth/token`, JSON) and returns the `oit_` token and the
   * per-app identity. Codes are single use, so this is retried only when Antara says it did not
   * process the request (429, 503).
   *
   * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.5 (the verifier)
   * @example
   * ```ts
   * import { AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * const tokens = await antara.exchangeCode({ code: 'from-the-callback', codeVerifier: 'kept-since-login', redirectUri: 'https://yourapp.com/callback' });
   * console.log(tokens.user.slug, tokens.scopes);
   * ```
   */
  async exchangeCode(input: {
    code: string;
    codeVerifier: string;
    redirectUri: string;
  }): Promise<OAuthTokens> {
    const { appId } = (this.#token ?? (await this.#renew())).connection;
    const result = await this.#transport.call<OAuthTokens>({
      method: 'POST',
      path: '/oauth/token',
      body: {
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri,
        client_id: appId,
        code_verifier: input.codeVerifier,
      },
      retry: 'unprocessed',
    });
    return result.data;
  }

  /**
   * Asks the gated Antara AI chat (`POST /app/v1/ai/chat`, scope `ai.chat`). When the Antara you
   * talk to has no AI configured, or no AI endpoint at all, this throws an
   * {@link AntaraServerError} with code `ai_unavailable` (not retried).
   *
   * @example
   * ```ts
   * import { AntaraError, AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * try {
   *   const { message } = await antara.aiChat({ messages: [{ role: 'user', content: 'hi' }] });
   *   console.log(message.content);
   * } catch (error) {
   *   if (error instanceof AntaraError && error.code === 'ai_unavailable') console.log('no AI here');
   * }
   * ```
   */
  async aiChat(input: AiChatInput): Promise<AiChatResult> {
    if (!Array.isArray(input?.messages) || input.messages.length === 0) {
      throw invalid('aiChat({ messages }) needs at least one message.');
    }
    try {
      const result = await this.#transport.call<AiChatResult>({
        method: 'POST',
        path: '/app/v1/ai/chat',
        body: input,
        retry: 'unprocessed',
        ...this.#appAuth(),
      });
      return result.data;
    } catch (error) {
      // An Antara without the AI endpoint answers 404 for the route; callers get one code for both.
      if (error instanceof AntaraError && error.status === 404 && error.code === 'not_found') {
        throw new AntaraServerError({
          code: 'ai_unavailable',
          message: 'This Antara has no AI chat endpoint.',
          status: 404,
          requestId: error.requestId,
          cause: error,
        });
      }
      throw error;
    }
  }

  #recipient(input: SendInput): { slug: string } | { to: string } {
    if (input.slug !== undefined && input.to !== undefined) throw invalid('Give slug or to, not both.');
    if (typeof input.slug === 'string' && input.slug.length > 0) return { slug: input.slug };
    if (typeof input.to === 'string' && SLUG_ADDRESS.test(input.to)) return { to: input.to };
    throw invalid('Give the recipient as slug, or as to: "<slug>@useantara.com".');
  }

  #appAuth() {
    return {
      bearer: async () => (await this.#current()).accessToken,
      onUnauthorized: () => {
        this.#token = undefined;
      },
    };
  }

  async #current(): Promise<HeldToken> {
    const token = this.#token;
    if (token && this.#now() < token.renewAt) return token;
    return this.#renew();
  }

  /** One exchange at a time: concurrent callers share the renewal in flight. */
  #renew(): Promise<HeldToken> {
    this.#renewing ??= this.#exchange().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  async #exchange(): Promise<HeldToken> {
    const receivedAfter = this.#now();
    const { data } = await this.#transport.call<AppSession>({
      method: 'POST',
      path: '/auth/token/exchange',
      body: { apiKey: this.#apiKey },
      retry: 'safe',
    });
    // Why expiresIn from the local clock: the server's clock may differ from ours.
    const margin = Math.min(this.#renewBeforeSeconds, data.expiresIn / 2);
    const token: HeldToken = {
      accessToken: data.accessToken,
      renewAt: receivedAfter + (data.expiresIn - margin) * 1000,
      connection: {
        appId: data.app.appId,
        name: data.app.name,
        scopes: data.scopes,
        expiresAt: data.expiresAt,
        expiresIn: data.expiresIn,
      },
    };
    this.#token = token;
    return token;
  }
}
