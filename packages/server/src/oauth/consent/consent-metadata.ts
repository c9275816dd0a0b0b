import { SCOPES, type Scope } from '@antara/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import type { SessionWithUser } from '../../storage/repositories/user-sessions.js';
import type { AuthorizeRequest } from '../authorize/authorize-request.js';
import { alreadyGranted } from './decide.js';

export const ConsentMetadataSchema = Type.Object({
  app: Type.Object({
    appId: Type.String(),
    name: Type.String(),
    homepageUrl: Type.Union([Type.String(), Type.Null()]),
    trustLevel: Type.String(),
  }),
  scopes: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })),
  redirectUri: Type.String(),
  state: Type.Union([Type.String(), Type.Null()]),
  /** The signed-in person already granted every scope asked for. */
  granted: Type.Boolean(),
  /** The per-app identity the app will receive, when the person already has a grant. */
  identity: Type.Union([
    Type.Object({ slug: Type.String(), alias: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
});

export const describeScopes = (scopes: readonly Scope[]) =>
  scopes.map((name) => ({ name, description: SCOPES[name] }));

/** What a consent screen shows for a validated request, for `signedIn` if anyone is. */
export async function consentMetadata(
  ctx: AppContext,
  request: AuthorizeRequest,
  signedIn: SessionWithUser | null,
) {
  const { granted, grant } = signedIn
    ? await alreadyGranted(ctx, request, signedIn.user.id)
    : { granted: false, grant: undefined };
  return {
    app: {
      appId: request.app.id,
      name: request.app.name,
      homepageUrl: request.app.homepage_url,
      trustLevel: request.app.trust_level,
    },
    scopes: describeScopes(request.scopes),
    redirectUri: request.redirectUri,
    state: request.state ?? null,
    granted,
    identity: grant ? { slug: grant.slug, alias: grant.alias } : null,
  };
}
