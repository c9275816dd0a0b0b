import type { AppContext } from '../../context.js';
import type { TypedApp } from '../../http/typed-app.js';
import { registerClientTokenRoute } from './client-token.js';
import { registerDevAppRoutes } from './dev-apps.js';
import { registerDevAuditRoutes } from './dev-audit.js';
import { registerDevKeyRoutes } from './dev-keys.js';
import { registerTokenExchangeRoute } from './token-exchange.js';

/** Apps, API keys, the audit trail and the two endpoints that turn keys into `aat_` tokens. */
export function registerAppRoutes(app: TypedApp, ctx: AppContext): void {
  registerDevAppRoutes(app, ctx);
  registerDevKeyRoutes(app, ctx);
  registerDevAuditRoutes(app, ctx);
  registerTokenExchangeRoute(app, ctx);
  registerClientTokenRoute(app, ctx);
}
