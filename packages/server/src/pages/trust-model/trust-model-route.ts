import type { AppContext } from '../../context.js';
import type { TypedApp } from '../../http/typed-app.js';
import { csrfToken } from '../csrf.js';
import { sendPage } from '../layout.js';
import { PAGE, PAGE_RESPONSE } from '../page-schemas.js';
import { siteUser } from '../web-session.js';
import { trustModelView } from './trust-model-view.js';

/** GET /trust-model: the trust and moderation model in plain words (linked from consent). */
export function registerTrustModelRoute(app: TypedApp, ctx: AppContext): void {
  app.get(
    '/trust-model',
    {
      config: { errorDialect: 'html' },
      schema: {
        ...PAGE,
        summary: 'Trust levels, scores and moderation states explained',
        response: PAGE_RESPONSE,
      },
    },
    async (request, reply) => {
      const signedIn = await siteUser(ctx, request);
      const nav = signedIn ? { csrf: csrfToken(ctx, request, reply) } : undefined;
      return sendPage(reply, { title: 'How trust works', body: trustModelView(), nav });
    },
  );
}
