import type { AppContext } from '../context.js';
import type { TypedApp } from '../http/typed-app.js';
import { createOAuthIntrospector } from './access-token.js';
import { registerAuthorizeRoute } from './authorize/authorize-route.js';
import { registerConsentPage } from './consent/consent-page.js';
import { registerConsentRoute } from './consent/consent-route.js';
import { registerDiscoveryRoutes } from './discovery/discovery-routes.js';
import { registerIntrospectRoute } from './introspect/introspect-route.js';
import { registerRevokeRoute } from './revoke/revoke-route.js';
import { createOAuthServices, type OAuthServices } from './services.js';
import { registerTokenRoute } from './token/token-route.js';
import { registerUserinfoRoute } from './userinfo/userinfo-route.js';

/** Every OAuth 2.0 / OpenID Connect endpoint. The first signing key is made before listening. */
export function registerOAuthRoutes(app: TypedApp, ctx: AppContext): OAuthServices {
  const services = createOAuthServices(ctx);
  app.addHook('onReady', async () => {
    await services.keys.ensure();
  });
  app.addHook('onClose', () => services.writer.close());
  ctx.introspectors.push(createOAuthIntrospector(ctx));
  registerDiscoveryRoutes(app, ctx, services);
  registerAuthorizeRoute(app, ctx);
  registerConsentRoute(app, ctx, services);
  registerConsentPage(app, ctx, services);
  registerTokenRoute(app, ctx, services);
  registerUserinfoRoute(app, ctx);
  registerIntrospectRoute(app, ctx);
  registerRevokeRoute(app, ctx);
  return services;
}
