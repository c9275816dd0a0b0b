import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { AppContext } from '../../context.js';
import { AntaraError } from '../../errors/antara-error.js';
import type { TypedApp } from '../../http/typed-app.js';
import { errorAlert, noteAlert } from '../../pages/alert.js';
import { CsrfFieldSchema, requireCsrf } from '../../pages/csrf.js';
import type { Html } from '../../pages/html.js';
import { PAGE, REDIRECT_RESPONSE } from '../../pages/page-schemas.js';
import { siteUser } from '../../pages/web-session.js';
import { grantScopesOf } from '../../storage/repositories/grants.js';
import { AliasSchema, normalizeAlias } from '../app-identity.js';
import { renameAlias, revokeGrant, rotateSlug } from '../grant-changes.js';
import { connectedAppsView } from './connected-apps-view.js';

const DONE: Record<string, string> = {
  renamed: 'The name is saved; the app has been told.',
  rotated: 'The app now knows you by a new ID.',
  revoked: 'The app is disconnected. Everything it held for you stopped working.',
  'bad-alias': 'A name is 1 to 60 characters, without control characters.',
};

/**
 * The account page's "Connected apps" section for the signed-in person. `request.query.apps`
 * names the change just made (the routes below redirect with it).
 */
export async function connectedAppsSection(
  ctx: AppContext,
  request: FastifyRequest,
  accountId: string,
  csrf: string,
): Promise<Html> {
  const rows = await ctx.repos.grants.listActiveByAccount(accountId, 100);
  const done = (request.query as { apps?: unknown } | undefined)?.apps;
  const message = typeof done === 'string' ? DONE[done] : undefined;
  return connectedAppsView({
    csrf,
    alert: message ? (done === 'bad-alias' ? errorAlert(message) : noteAlert(message)) : undefined,
    apps: rows.map(({ grant, app }) => ({
      appId: app.id,
      name: app.name,
      trustLevel: app.trust_level,
      slug: grant.slug,
      alias: grant.alias,
      scopes: grantScopesOf(grant),
    })),
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const Params = Type.Object({ appId: Type.String({ maxLength: 64 }) });
const CsrfOnly = Type.Object({ _csrf: CsrfFieldSchema }, { additionalProperties: false });
const AliasBody = Type.Object(
  { _csrf: CsrfFieldSchema, alias: Type.String({ maxLength: 320 }) },
  { additionalProperties: false },
);
const back = (done: string) => `/account?apps=${done}#connected-apps`;

/** The forms of the section: rename the alias, rotate the slug, disconnect (revoke). */
export function registerConnectedAppsRoutes(app: TypedApp, ctx: AppContext): void {
  const deps = { db: ctx.storage.db, clock: ctx.clock, random: ctx.random };
  const config = { errorDialect: 'html' as const };
  const preValidation = requireCsrf(ctx);

  async function signedIn(request: FastifyRequest, rawAppId: string) {
    const current = await siteUser(ctx, request);
    if (!current) return null;
    if (!UUID.test(rawAppId)) throw new AntaraError('not_found', 'You have no grant to this app.');
    return { accountId: current.user.id, appId: rawAppId.toLowerCase() };
  }

  app.post(
    '/account/apps/:appId/alias',
    {
      config,
      preValidation,
      schema: {
        ...PAGE,
        summary: 'Rename the alias an app sees',
        params: Params,
        body: AliasBody,
        response: REDIRECT_RESPONSE,
      },
    },
    async (request, reply) => {
      const who = await signedIn(request, request.params.appId);
      if (!who) return reply.redirect('/', 303);
      const alias = normalizeAlias(request.body.alias);
      if (alias !== null && !Value.Check(AliasSchema, alias)) return reply.redirect(back('bad-alias'), 303);
      await renameAlias(deps, who.accountId, who.appId, alias);
      return reply.redirect(back('renamed'), 303);
    },
  );

  app.post(
    '/account/apps/:appId/rotate-slug',
    {
      config,
      preValidation,
      schema: {
        ...PAGE,
        summary: 'Give an app a new slug for you',
        params: Params,
        body: CsrfOnly,
        response: REDIRECT_RESPONSE,
      },
    },
    async (request, reply) => {
      const who = await signedIn(request, request.params.appId);
      if (!who) return reply.redirect('/', 303);
      await rotateSlug(deps, who.accountId, who.appId);
      return reply.redirect(back('rotated'), 303);
    },
  );

  app.post(
    '/account/apps/:appId/revoke',
    {
      config,
      preValidation,
      schema: {
        ...PAGE,
        summary: 'Disconnect an app',
        params: Params,
        body: CsrfOnly,
        response: REDIRECT_RESPONSE,
      },
    },
    async (request, reply) => {
      const who = await signedIn(request, request.params.appId);
      if (!who) return reply.redirect('/', 303);
      await revokeGrant(deps, who.accountId, who.appId);
      return reply.redirect(back('revoked'), 303);
    },
  );
}
