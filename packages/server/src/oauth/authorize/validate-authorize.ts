import type { AppContext } from '../../context.js';
import { issuerOf } from '../issuer.js';
import { AuthorizeFailure, type RedirectedFailure, redirectWith } from './authorize-error.js';
import type { AuthorizeParams, AuthorizeRequest } from './authorize-request.js';
import { AUTHORIZE_CHECKS, type CheckState } from './checks.js';

export type AuthorizeOutcome =
  | { ok: true; request: AuthorizeRequest }
  | { ok: false; failure: RedirectedFailure };

const MAX_STATE_ECHO = 1024;

/**
 * Runs the checks in order. A bad client or redirect URI throws (the caller shows it and
 * never redirects); any later failure comes back with the redirect that reports it to the app,
 * carrying `error`, `error_description`, `state` and `iss` (RFC 9207).
 */
export async function validateAuthorize(ctx: AppContext, params: AuthorizeParams): Promise<AuthorizeOutcome> {
  const state: CheckState = { ctx, params, draft: {} };
  for (const check of AUTHORIZE_CHECKS) {
    try {
      await check(state);
    } catch (error) {
      if (!(error instanceof AuthorizeFailure) || state.draft.redirectUri === undefined) throw error;
      const echoed =
        typeof params.state === 'string' && params.state.length <= MAX_STATE_ECHO ? params.state : undefined;
      return {
        ok: false,
        failure: {
          error: error.error,
          description: error.message,
          redirectTo: redirectWith(state.draft.redirectUri, {
            error: error.error,
            error_description: error.message,
            state: echoed,
            iss: issuerOf(ctx.config),
          }),
        },
      };
    }
  }
  return { ok: true, request: state.draft as AuthorizeRequest };
}
