import type { FastifyInstance, FastifySchema } from 'fastify';
import Router from 'find-my-way';

/** One method of one registered route, as Fastify's onRoute hook saw it. */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema: (FastifySchema & { hide?: boolean }) | undefined;
}

const inventories = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/**
 * Starts recording every route registered on the app from now on (call it before the
 * routes). The error handler uses it to tell 405 from 404; tests use it to hold
 * /openapi.json to the full list.
 */
export function trackRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  inventories.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, schema: route.schema as RegisteredRoute['schema'] });
    }
  });
}

/** Every route recorded by {@link trackRoutes}. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return inventories.get(app) ?? [];
}

/**
 * The methods the app answers on a concrete path, matched the way Fastify's own router
 * (find-my-way) matches. Built on first use, once every route is registered.
 */
export function allowedMethods(app: FastifyInstance): (path: string) => string[] {
  let match: ((path: string) => string[]) | undefined;
  return (path) => {
    if (!match) {
      const router = Router();
      const methods = new Set<string>();
      const seen = new Set<string>();
      for (const { method, url } of registeredRoutes(app)) {
        if (seen.has(`${method} ${url}`)) continue;
        seen.add(`${method} ${url}`);
        methods.add(method);
        router.on(method as Router.HTTPMethod, url, () => undefined);
      }
      match = (p) => [...methods].filter((method) => router.find(method as Router.HTTPMethod, p)).sort();
    }
    return match(path);
  };
}
