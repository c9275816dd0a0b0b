import type { ErrorCode } from '@antara/protocol';
import { AntaraError } from '../../errors/antara-error.js';

/** OAuth error codes an authorization response may carry (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6). */
export type AuthorizeErrorCode =
  | 'invalid_request'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'consent_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'server_error';

/**
 * A failure found once the client and redirect URI are trusted: the app hears of it at its
 * redirect URI. (Failures before that are plain AntaraErrors shown to the person.)
 */
export class AuthorizeFailure extends Error {
  constructor(
    readonly error: AuthorizeErrorCode,
    description: string,
  ) {
    super(description);
    this.name = 'AuthorizeFailure';
  }
}

/** A failure together with where the browser goes to report it. */
export interface RedirectedFailure {
  error: AuthorizeErrorCode;
  description: string;
  redirectTo: string;
}

const AS_ERROR_CODE: Partial<Record<AuthorizeErrorCode, ErrorCode>> = {
  unsupported_response_type: 'unsupported_response_type',
  invalid_scope: 'invalid_scope',
};

/** The envelope error of a redirected failure, for JSON callers; `details` carry the redirect. */
export function asEnvelopeError(failure: RedirectedFailure): AntaraError {
  return new AntaraError(AS_ERROR_CODE[failure.error] ?? 'invalid_request', failure.description, {
    details: { error: failure.error, redirectTo: failure.redirectTo },
  });
}

/**
 * The redirect URI with response parameters appended (RFC 6749 §4.1.2). The registered URI
 * has no fragment and its own query is kept exactly as registered.
 */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${query.toString()}`;
}
