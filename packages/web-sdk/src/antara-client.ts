import type { Scope, TrustLevel } from '@antara/protocol';
import { AntaraError, errorFromResponse } from './errors.js';
import { randomToken, s256 } from './pkce.js';

/**
 * The hosted Antara. Self-hosted instances pass their own `apiBase`.
 *
 * @example
 * ```ts
 * import { AntaraClient, DEFAULT_API_BASE } from '@antara/web-sdk';
 * const antara = new AntaraClient({ appId: 'YOUR_APP_ID', apiBase: DEFAULT_API_BASE });
 * ```
 */
export const DEFAULT_API_BASE = 'https://useantara.com';

/**
 * What a login asks for unless told otherwise: a stable per-app identity and inbox messages.
 *
 * @example
 * ```ts
 * import { AntaraClient, DEFAULT_SCOPES } from '@antara/web-sdk';
 * const antara = new AntaraClient({ appId: 'YOUR_APP_ID', scopes: [...DEFAULT_SCOPES, 'profile.basic'] });
 * ```
 */
export const DEFAULT_SCOPES: readonly string[] = ['identity.read', 'messages.send'];

const STORAGE_PREFIX = 'antara.login.';
/** Pending logins older than this are dropped; Antara's authorization codes live far shorter. */
const PENDING_MAX_AGE_MS = 60 * 60 * 1000;

/** Options of {@link AntaraClient}. */
export interface AntaraClientOptions {
  /** Your app id (the OAuth `client_id`), from `antara app create` or the developer dashboard. */
  appId: string;
  /** Base URL of Antara. Default `https://useantara.com`. */
  apiBase?: string;
  /**
   * Where Antara sends the browser back; must exactly match a redirect URI registered for the app.
   * Default: this page's origin + `/callback`.
   */
  redirectUri?: string;
  /** Scopes to ask for. Default `['identity.read', 'messages.send']`. */
  scopes?: string[];
  /** The `iss` Antara puts on its redirects (RFC 9207). Default: `apiBase`. */
  issuer?: string;
}

/** Options of {@link AntaraClient.login}. */
export interface LoginOptions {
  /** Scopes for this login only. */
  scopes?: string[];
  /** `consent` shows the consent screen even when the person approved these scopes before. */
  prompt?: 'consent';
  /** A path of your app to return to; handed back by `handleRedirectCallback`. */
  returnTo?: string;
}

/**
 * The per-app identity of the signed-in person: `userId` (stable; store it), `slug` (the
 * messaging address, may be rotated by the person), `alias` (their chosen name for your app).
 * Never their email, phone, account id or primary handle.
 */
export interface AntaraUser {
  userId: string;
  slug: string;
  alias: string | null;
  displayName?: string;
  trustLevel: TrustLevel;
  verified: boolean;
}

/** What {@link AntaraClient.handleRedirectCallback} returns. */
export interface LoginResult {
  user: AntaraUser;
  scopes: Scope[];
  /** The `oit_` token. Send it to your server, which checks it with `antara.introspect(token)`. */
  accessToken: string;
  /** Unix seconds. */
  expiresAt: number;
  /** The `returnTo` given to `login()`, if any. */
  returnTo?: string;
}

interface PendingLogin {
  verifier: string;
  redirectUri: string;
  returnTo?: string;
  createdAt: number;
}

interface TokenResponse {
  accessToken: string;
  expiresAt: number;
  scopes: Scope[];
  user: AntaraUser;
}

/**
 * "Login with Antara" in the browser: the OAuth 2.0 authorization code flow with PKCE (S256), no
 * client secret, WebCrypto only. The verifier and `state` wait in `sessionStorage` during the
 * redirect; tokens are kept in memory only, never in storage or cookies.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE)
 * @example
 * ```ts
 * import { AntaraClient } from '@antara/web-sdk';
 * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
 * antara.login(); // redirects to Antara
 * ```
 */
export class AntaraClient {
  readonly appId: string;
  readonly apiBase: string;
  readonly issuer: string;
  readonly #redirectUri: string | undefined;
  readonly #scopes: readonly string[];
  #session: TokenResponse | undefined;

  constructor(options: AntaraClientOptions) {
    if (typeof options?.appId !== 'string' || options.appId.length === 0) {
      throw new AntaraError({ code: 'invalid_request', message: 'AntaraClient needs your appId.' });
    }
    this.appId = options.appId;
    this.apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
    this.issuer = (options.issuer ?? this.apiBase).replace(/\/+$/, '');
    this.#redirectUri = options.redirectUri;
    this.#scopes = options.scopes ?? DEFAULT_SCOPES;
  }

  /**
   * Sends the browser to Antara's consent screen. Creates a fresh PKCE verifier and `state`,
   * keeps them in `sessionStorage` for the return trip, and navigates to `/oauth/authorize`.
   *
   * @example
   * ```ts
   * import { AntaraClient } from '@antara/web-sdk';
   * const antara = new AntaraClient({ appId: 'YOUR_APP_ID', scopes: ['identity.read', 'messages.send'] });
   * document.querySelector('#login')?.addEventListener('click', () => antara.login({ returnTo: '/account' }));
   * ```
   */
  async login(options: LoginOptions = {}): Promise<void> {
    window.location.assign(await this.createLoginUrl(options));
  }

  /**
   * What {@link AntaraClient.login} does, without navigating: stores the pending login and returns
   * the authorize URL, for a link or a popup of your own.
   *
   * @example
   * ```ts
   * import { AntaraClient } from '@antara/web-sdk';
   * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
   * const link = document.querySelector<HTMLAnchorElement>('#login');
   * if (link) link.href = await antara.createLoginUrl();
   * ```
   */
  async createLoginUrl(options: LoginOptions = {}): Promise<string> {
    const verifier = randomToken();
    const state = randomToken();
    const redirectUri = this.#redirectUri ?? `${window.location.origin}/callback`;
    dropStalePending();
    const pending: PendingLogin = { verifier, redirectUri, createdAt: Date.now() };
    if (options.returnTo !== undefined) pending.returnTo = options.returnTo;
    sessionStorage.setItem(STORAGE_PREFIX + state, JSON.stringify(pending));
    const url = new URL(`${this.apiBase}/oauth/authorize`);
    url.searchParams.set('client_id', this.appId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('code_challenge', await s256(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('state', state);
    url.searchParams.set('scope', (options.scopes ?? this.#scopes).join(' '));
    if (options.prompt) url.searchParams.set('prompt', options.prompt);
    return url.href;
  }

  /**
   * Whether a URL (default: this page) is Antara's redirect back, carrying `state` and a `code`
   * or an `error`.
   *
   * @example
   * ```ts
   * import { AntaraClient } from '@antara/web-sdk';
   * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
   * if (antara.isRedirectCallback()) await antara.handleRedirectCallback();
   * ```
   */
  isRedirectCallback(url: string = window.location.href): boolean {
    const params = new URL(url).searchParams;
    return params.has('state') && (params.has('code') || params.has('error'));
  }

  /**
   * Finishes the login on your redirect page: checks `state` against the pending login of this
   * tab and `iss` against Antara's issuer, exchanges the code with the PKCE verifier at
   * `POST /oauth/token`, keeps the tokens in memory and returns the person's per-app identity.
   * Removes `code`, `state` and `iss` from the address bar. A refusal on the consent screen
   * throws an {@link AntaraError} with code `access_denied`.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9207 (the iss check)
   * @example
   * ```ts
   * import { AntaraClient } from '@antara/web-sdk';
   * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
   * const { user, accessToken } = await antara.handleRedirectCallback();
   * await fetch('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accessToken }) });
   * console.log(`Signed in as ${user.alias ?? user.slug}`);
   * ```
   */
  async handleRedirectCallback(url?: string): Promise<LoginResult> {
    const current = url === undefined;
    const address = new URL(url ?? window.location.href);
    const params = address.searchParams;
    const state = params.get('state');
    const stored = state === null ? null : sessionStorage.getItem(STORAGE_PREFIX + state);
    if (state !== null) sessionStorage.removeItem(STORAGE_PREFIX + state);
    if (current) cleanAddressBar(address);
    const pending = parsePending(stored);
    if (!pending) {
      throw new AntaraError({
        code: 'state_mismatch',
        message: 'This callback does not belong to a login started in this tab; start the login again.',
      });
    }
    const iss = params.get('iss');
    if (iss === null || iss.replace(/\/+$/, '') !== this.issuer) {
      throw new AntaraError({
        code: 'issuer_mismatch',
        message: `The callback names issuer ${JSON.stringify(iss)}, not ${this.issuer}.`,
      });
    }
    const error = params.get('error');
    if (error !== null) {
      throw new AntaraError({ code: error, message: params.get('error_description') ?? error });
    }
    const code = params.get('code');
    if (!code) throw new AntaraError({ code: 'missing_code', message: 'The callback carries no code.' });
    const tokens = await this.#exchange(code, pending);
    this.#session = tokens;
    const result: LoginResult = {
      user: tokens.user,
      scopes: tokens.scopes,
      accessToken: tokens.accessToken,
      expiresAt: tokens.expiresAt,
    };
    if (pending.returnTo !== undefined) result.returnTo = pending.returnTo;
    return result;
  }

  /**
   * The signed-in person's per-app identity, or `null`. Tokens live in memory, so after a reload
   * this is `null` until the next login.
   *
   * @example
   * ```ts
   * import { AntaraClient } from '@antara/web-sdk';
   * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
   * console.log(antara.getUser()?.slug ?? 'signed out');
   * ```
   */
  getUser(): AntaraUser | null {
    return this.isAuthenticated() ? (this.#session?.user ?? null) : null;
  }

  /**
   * The `oit_` access token while it is valid, or `null`.
   *
   * @example
   * ```ts
   * import { AntaraClient } from '@antara/web-sdk';
   * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
   * const token = antara.getAccessToken();
   * if (token) await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
   * ```
   */
  getAccessToken(): string | null {
    return this.isAuthenticated() ? (this.#session?.accessToken ?? null) : null;
  }

  /**
   * Whether a login finished in this page and its token has not expired.
   *
   * @example
   * ```ts
   * import { AntaraClient } from '@antara/web-sdk';
   * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
   * if (!antara.isAuthenticated()) antara.login();
   * ```
   */
  isAuthenticated(): boolean {
    return this.#session !== undefined && Date.now() < this.#session.expiresAt * 1000;
  }

  /**
   * Forgets the tokens and asks Antara to revoke the access token (`POST /oauth/revoke`,
   * RFC 7009). The revocation is best effort: the local sign-out always happens.
   *
   * @example
   * ```ts
   * import { AntaraClient } from '@antara/web-sdk';
   * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
   * await antara.logout();
   * console.log(antara.isAuthenticated()); // false
   * ```
   */
  async logout(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    const body = new URLSearchParams({ token: session.accessToken, client_id: this.appId });
    try {
      await fetch(`${this.apiBase}/oauth/revoke`, {
        method: 'POST',
        body,
        keepalive: true,
        credentials: 'omit',
      });
    } catch {
      // Why ignored: the token is already gone from this page and expires on its own within minutes.
    }
  }

  async #exchange(code: string, pending: PendingLogin): Promise<TokenResponse> {
    let response: Response;
    try {
      response = await fetch(`${this.apiBase}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        credentials: 'omit',
        body: JSON.stringify({
          grant_type: 'authorization_code',
          code,
          redirect_uri: pending.redirectUri,
          client_id: this.appId,
          code_verifier: pending.verifier,
        }),
      });
    } catch (cause) {
      throw new AntaraError({
        code: 'network_error',
        message: `Could not reach Antara at ${this.apiBase}: ${(cause as Error).message}`,
      });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw errorFromResponse(response.status, body, response.headers);
    const data = (body as { data?: TokenResponse } | undefined)?.data;
    if (!data || typeof data.accessToken !== 'string' || typeof data.user !== 'object') {
      throw new AntaraError({
        code: 'invalid_response',
        message: 'Antara answered the code exchange without tokens.',
        status: response.status,
        requestId: response.headers.get('x-request-id') ?? undefined,
      });
    }
    return { accessToken: data.accessToken, expiresAt: data.expiresAt, scopes: data.scopes, user: data.user };
  }
}

function parsePending(stored: string | null): PendingLogin | null {
  if (stored === null) return null;
  try {
    const pending = JSON.parse(stored) as PendingLogin;
    return typeof pending.verifier === 'string' && typeof pending.redirectUri === 'string' ? pending : null;
  } catch {
    return null;
  }
}

function dropStalePending(): void {
  for (let i = sessionStorage.length - 1; i >= 0; i--) {
    const key = sessionStorage.key(i);
    if (!key?.startsWith(STORAGE_PREFIX)) continue;
    const pending = parsePending(sessionStorage.getItem(key));
    if (!pending || Date.now() - pending.createdAt > PENDING_MAX_AGE_MS) sessionStorage.removeItem(key);
  }
}

/** Why: a code left in the address bar ends up in history, bookmarks and Referer headers. */
function cleanAddressBar(address: URL): void {
  const clean = new URL(address.href);
  for (const name of ['code', 'state', 'iss', 'error', 'error_description', 'error_uri']) {
    clean.searchParams.delete(name);
  }
  if (clean.href !== address.href && typeof history !== 'undefined') {
    history.replaceState(history.state, '', clean.pathname + clean.search + clean.hash);
  }
}
