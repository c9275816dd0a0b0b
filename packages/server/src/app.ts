import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { createAppIntrospector } from './apps/app-introspector.js';
import { registerAppRoutes } from './apps/routes/index.js';
import { type AppContext, type AppDeps, createContext } from './context.js';
import { installErrorHandler, renderFrameworkError } from './errors/error-handler.js';
import { registerGrantRoutes } from './grants/routes/index.js';
import { registerCors } from './http/cors.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import type { TypedApp } from './http/typed-app.js';
import { buildValidator, parseForm } from './http/validation.js';
import { registerEmailAuthRoutes } from './identity/routes/email-auth.js';
import { registerProfileRoutes } from './identity/routes/profile.js';
import { registerSessionAuthRoutes } from './identity/routes/session-auth.js';
import { createUserIntrospector } from './identity/user-introspector.js';
import { registerMessaging } from './messaging/register.js';
import { registerOAuthRoutes } from './oauth/routes.js';
import { renderErrorPage } from './pages/error-page.js';
import { registerPageRoutes } from './pages/register.js';
import { registerSystemRoutes } from './system/routes.js';
import { registerWebhookRoutes } from './webhooks/routes.js';

/** Builds the Antara HTTP app over the given deps. Never listens; main.ts does. */
export async function buildApp(deps: AppDeps): Promise<{ app: TypedApp; ctx: AppContext }> {
  const ctx = createContext(deps);
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: () => ctx.random.uuid(),
    bodyLimit: deps.config.server.bodyLimitBytes,
    trustProxy: deps.config.server.trustProxy,
    return503OnClosing: true,
    schemaController: { compilersFactory: { buildValidator } },
    frameworkErrors: renderFrameworkError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerSecurityHeaders(app, deps.config.server.publicUrl.startsWith('https:'));
  // Only JSON and form bodies are accepted; anything else is 415.
  app.removeContentTypeParser('text/plain');

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: deps.config.server.bodyLimitBytes, parser: parseForm });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Antara API',
        version: '1',
        description: 'Privacy-first identity provider and messaging relay',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  installErrorHandler(app, renderErrorPage);

  ctx.introspectors.push(createUserIntrospector(ctx.sessions), createAppIntrospector(ctx.appSessions));
  registerCors(app);
  registerSystemRoutes(app, ctx);
  registerEmailAuthRoutes(app, ctx);
  registerSessionAuthRoutes(app, ctx);
  registerProfileRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerAppRoutes(app, ctx);
  registerOAuthRoutes(app, ctx);
  registerGrantRoutes(app, ctx);
  registerPageRoutes(app, ctx);
  registerMessaging(app, ctx);

  return { app, ctx };
}
