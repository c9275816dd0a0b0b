import { canonicalScopes, type Scope, scopeList } from '@antara/protocol';
import { redirectUriMatches } from '../../apps/redirect-uris.js';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import { redirectUrisOf } from '../../storage/repositories/apps.js';
import { S256_CHALLENGE } from '../pkce.js';
import { DEFAULT_SCOPES } from '../policy.js';
import { AuthorizeFailure } from './authorize-error.js';
import type { AuthorizeParams, AuthorizeRequest } from './authorize-request.js';
import { single } from './authorize-request.js';

export interface CheckState {
  ctx: AppContext;
  params: AuthorizeParams;
  /** Filled in by the checks, in order. */
  draft: Partial<AuthorizeRequest>;
}

/**
 * One rule of an authorization request. Before the redirect URI is trusted a check throws an
 * AntaraError (shown to the person, never redirected); after it, an AuthorizeFailure (sent
 * to the app at its redirect URI).
 */
export type AuthorizeCheck = (state: CheckState) => void | Promise<void>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** state and nonce: up to 1024 characters, no control characters. */
const OPAQUE_VALUE = /^\P{Cc}{1,1024}$/u;
const PARAMETERS = [
  'response_type',
  'code_challenge',
  'code_challenge_method',
  'scope',
  'state',
  'nonce',
  'prompt',
  'response_mode',
];
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

/** The client_id names an app that exists and is not disabled. */
export async function knownClient({ ctx, params, draft }: CheckState): Promise<void> {
  const clientId = params.client_id;
  if (typeof clientId !== 'string' || !UUID.test(clientId)) {
    throw new AntaraError('invalid_client', 'client_id is missing, repeated or not an app id.');
  }
  const app = await ctx.repos.apps.findById(clientId.toLowerCase());
  if (!app) throw new AntaraError('invalid_client', 'No app has this client_id.');
  if (app.moderation_state === 'disabled') throw new AntaraError('invalid_client', 'This app is disabled.');
  draft.app = app;
}

/**
 * An app under `restrict` (CONTRACT §8) gets no new authorizations: no new grant, no wider
 * scopes, no new code. Its existing grants and tokens keep working. Checked last, once the
 * client and redirect URI are trusted, so the app hears `access_denied` at its redirect URI.
 */
export function notRestricted({ draft }: CheckState): void {
  if (draft.app?.moderation_state === 'restrict') {
    throw new AuthorizeFailure('access_denied', 'This app may not receive new authorizations for now.');
  }
}

/** The redirect_uri is one the app registered: exact match, a loopback port aside (RFC 8252 §7.3). */
export function registeredRedirectUri({ params, draft }: CheckState): void {
  const uri = params.redirect_uri;
  if (typeof uri !== 'string') {
    throw new AntaraError('redirect_uri_mismatch', 'redirect_uri is missing or repeated.');
  }
  if (!draft.app || !redirectUriMatches(redirectUrisOf(draft.app), uri)) {
    throw new AntaraError('redirect_uri_mismatch');
  }
  draft.redirectUri = uri;
}

/** No parameter is sent twice (RFC 6749 §3.1). */
export function noRepeatedParameters({ params }: CheckState): void {
  for (const name of PARAMETERS) {
    if (Array.isArray(params[name]))
      throw new AuthorizeFailure('invalid_request', `${name} is sent more than once.`);
  }
}

/** Request objects (OIDC Core §6) are not supported, and say so rather than being ignored. */
export function noRequestObjects({ params }: CheckState): void {
  if (params.request !== undefined) {
    throw new AuthorizeFailure('request_not_supported', 'Request objects are not supported.');
  }
  if (params.request_uri !== undefined) {
    throw new AuthorizeFailure('request_uri_not_supported', 'request_uri is not supported.');
  }
}

/** response_type=code, answered in the query. */
export function codeResponseType({ params }: CheckState): void {
  const type = single(params, 'response_type');
  if (type === undefined) throw new AuthorizeFailure('invalid_request', 'response_type is required.');
  if (type !== 'code') {
    throw new AuthorizeFailure('unsupported_response_type', 'Only response_type=code is supported.');
  }
  const mode = single(params, 'response_mode');
  if (mode !== undefined && mode !== 'query') {
    throw new AuthorizeFailure('invalid_request', 'Only response_mode=query is supported.');
  }
}

/** PKCE with S256 (RFC 7636); `plain` and a missing method are refused. */
export function pkceS256({ params, draft }: CheckState): void {
  const method = single(params, 'code_challenge_method');
  const challenge = single(params, 'code_challenge');
  if (challenge === undefined) {
    throw new AuthorizeFailure('invalid_request', 'code_challenge is required (PKCE with S256).');
  }
  if (method === undefined) {
    throw new AuthorizeFailure('invalid_request', 'code_challenge_method=S256 is required.');
  }
  if (method !== 'S256') {
    throw new AuthorizeFailure(
      'invalid_request',
      `code_challenge_method "${method.slice(0, 20)}" is refused; only S256 is accepted.`,
    );
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw new AuthorizeFailure('invalid_request', 'code_challenge must be 43 base64url characters (S256).');
  }
  draft.codeChallenge = challenge;
}

/** Every scope is known (legacy names accepted); none asked means identity.read. */
export function knownScopes({ params, draft }: CheckState): void {
  const names = scopeList(single(params, 'scope'));
  const scopes = names.length === 0 ? [...DEFAULT_SCOPES] : canonicalScopes(names);
  if (!scopes) {
    throw new AuthorizeFailure('invalid_scope', `Unknown scope in "${names.join(' ').slice(0, 200)}".`);
  }
  draft.scopes = scopes as Scope[];
}

/** state and nonce, when sent, are bounded opaque strings. */
export function boundedStateAndNonce({ params, draft }: CheckState): void {
  const state = single(params, 'state');
  const nonce = single(params, 'nonce');
  if (state !== undefined && !OPAQUE_VALUE.test(state)) {
    throw new AuthorizeFailure(
      'invalid_request',
      'state must be 1 to 1024 characters without control characters.',
    );
  }
  if (nonce !== undefined && !OPAQUE_VALUE.test(nonce)) {
    throw new AuthorizeFailure(
      'invalid_request',
      'nonce must be 1 to 1024 characters without control characters.',
    );
  }
  draft.state = state;
  draft.nonce = nonce;
}

/** prompt (OIDC Core §3.1.2.1): known values; `none` stands alone. */
export function supportedPrompt({ params, draft }: CheckState): void {
  const prompt = new Set(scopeList(single(params, 'prompt')));
  for (const value of prompt) {
    if (!PROMPTS.has(value))
      throw new AuthorizeFailure('invalid_request', `Unknown prompt "${value.slice(0, 20)}".`);
  }
  if (prompt.has('none') && prompt.size > 1) {
    throw new AuthorizeFailure('invalid_request', 'prompt=none cannot be combined with other values.');
  }
  draft.prompt = prompt;
}

/** The checks of an authorization request, in the order they run. */
export const AUTHORIZE_CHECKS: readonly AuthorizeCheck[] = [
  knownClient,
  registeredRedirectUri,
  noRepeatedParameters,
  noRequestObjects,
  codeResponseType,
  pkceS256,
  knownScopes,
  boundedStateAndNonce,
  supportedPrompt,
  notRestricted,
];
