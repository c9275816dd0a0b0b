import { Type } from 'typebox';
import { toSeconds } from '../lib/clock.js';
import { type GrantRow, type GrantWithApp, grantScopesOf } from '../storage/repositories/grants.js';

/** A grant as its person sees it: which app, and the identity that app knows. */
export const PersonGrantSchema = Type.Object({
  appId: Type.String(),
  app: Type.Object({
    name: Type.String(),
    homepageUrl: Type.Union([Type.String(), Type.Null()]),
    trustLevel: Type.String(),
  }),
  userId: Type.String(),
  slug: Type.String(),
  alias: Type.Union([Type.String(), Type.Null()]),
  scopes: Type.Array(Type.String()),
  status: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});

export function presentPersonGrant(grant: GrantRow, app: GrantWithApp['app']) {
  return {
    appId: grant.app_id,
    app: { name: app.name, homepageUrl: app.homepage_url, trustLevel: app.trust_level },
    userId: grant.id,
    slug: grant.slug,
    alias: grant.alias,
    scopes: grantScopesOf(grant),
    status: grant.status,
    createdAt: toSeconds(grant.created_at),
    updatedAt: toSeconds(grant.updated_at),
  };
}
