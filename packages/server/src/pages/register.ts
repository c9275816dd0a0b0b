import type { AppContext } from '../context.js';
import type { TypedApp } from '../http/typed-app.js';
import { registerAccountRoutes } from './account/account-routes.js';
import { registerAssetRoutes } from './assets.js';
import { registerMagicLinkRoute } from './sign-in/magic-link.js';
import { registerSignInRoutes } from './sign-in/sign-in-routes.js';
import { registerTrustModelRoute } from './trust-model/trust-model-route.js';

/**
 * The server-rendered site: sign-in by email code or magic link, and the account page.
 * Every route renders errors as HTML pages (errorDialect 'html') and every form carries a
 * CSRF token (see csrf.ts).
 */
export function registerPageRoutes(app: TypedApp, ctx: AppContext): void {
  registerAssetRoutes(app);
  registerSignInRoutes(app, ctx);
  registerMagicLinkRoute(app, ctx);
  registerAccountRoutes(app, ctx);
  registerTrustModelRoute(app, ctx);
}
