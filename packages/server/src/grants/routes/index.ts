import type { AppContext } from '../../context.js';
import type { TypedApp } from '../../http/typed-app.js';
import { registerConnectedAppsRoutes } from '../pages/connected-apps.js';
import { registerIdentityLookupRoute } from './identity-lookup.js';
import { registerMeGrantRoutes } from './me-grants.js';

export function registerGrantRoutes(app: TypedApp, ctx: AppContext): void {
  registerMeGrantRoutes(app, ctx);
  registerIdentityLookupRoute(app, ctx);
  registerConnectedAppsRoutes(app, ctx);
}
