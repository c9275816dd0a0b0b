import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { ok, responses } from '../http/envelope.js';
import type { TypedApp } from '../http/typed-app.js';

export function registerSystemRoutes(app: TypedApp, ctx: AppContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        response: responses(200, Type.Object({ status: Type.Literal('ok') })),
      },
    },
    async (request) => ok(request, ctx.clock, { status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database answers',
        response: responses(200, Type.Object({ status: Type.Literal('ready'), database: Type.String() })),
      },
    },
    async (request) => {
      try {
        await ctx.storage.ping();
      } catch {
        throw new AntaraError('service_unavailable', 'The database does not answer.');
      }
      return ok(request, ctx.clock, {
        status: 'ready' as const,
        database: ctx.storage.capabilities.singleWriter ? 'sqlite' : 'postgres',
      });
    },
  );

  app.get(
    '/openapi.json',
    {
      schema: {
        hide: true,
        // The document is built from the route schemas, so its inside is not restated here.
        response: {
          200: Type.Object(
            { openapi: Type.String(), info: Type.Unknown(), paths: Type.Unknown() },
            { additionalProperties: true },
          ),
        },
      },
    },
    // @fastify/swagger is configured with `openapi`, so the document is OpenAPI 3, never Swagger 2.
    async () => app.swagger() as { openapi: string; info: unknown; paths: unknown },
  );
}
