import type { FastifyReply, FastifyRequest } from 'fastify';
import { type TObject, Type } from 'typebox';
import { decodeCursor, pageOf } from '../apps/cursor.js';
import { requireOwnedApp } from '../apps/owned-app.js';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { bearerToken } from '../http/bearer.js';
import { ok, responses } from '../http/envelope.js';
import { enforceRate } from '../http/rate-limit.js';
import type { TypedApp } from '../http/typed-app.js';
import { presentDelivery, presentEndpoint } from './presenters.js';
import {
  CreateEndpointBody,
  DeliveryQuerySchema,
  DeliverySchema,
  EndpointSchema,
  EndpointWithSecretSchema,
  UpdateEndpointBody,
} from './webhook-schemas.js';
import type { WebhookActor } from './webhook-service.js';

/** Whose webhooks a request manages, and who is acting. */
interface Caller {
  appId: string;
  actor: WebhookActor;
}

/** One mount of the webhook routes: for apps (`aat_`) or for the signed-in developer. */
interface Mount {
  base: string;
  tag: string;
  params: TObject;
  caller(request: FastifyRequest, reply: FastifyReply): Promise<Caller>;
}

const WEBHOOK_API_RATE = { name: 'webhooks:token', limit: 600, windowMs: 60_000 };
const IdParam = Type.String({ maxLength: 64 });
// Why a null: a POST with no body at all reaches validation as null.
const EmptyBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]);

type Params = { id: string; deliveryId: string };

/**
 * Any live `aat_` token of the app manages that app's webhooks, whatever its scopes: an endpoint
 * receives only the app's own events, and any key of the app is the app's own secret.
 */
async function appTokenCaller(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Caller> {
  const token = bearerToken(request);
  const found = token ? await ctx.appSessions.authenticate(token) : null;
  if (!found) {
    throw new AntaraError('invalid_token', 'Send a live aat_ app token: Authorization: Bearer aat_…', {
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
  }
  await enforceRate(ctx.rateLimiter, reply, WEBHOOK_API_RATE, found.token.id);
  return { appId: found.app.id, actor: { userId: null, via: 'app-token' } };
}

export function registerWebhookRoutes(app: TypedApp, ctx: AppContext): void {
  mount(app, ctx, {
    base: '/app/v1/webhooks',
    tag: 'webhooks',
    params: Type.Object({}),
    caller: (request, reply) => appTokenCaller(ctx, request, reply),
  });
  mount(app, ctx, {
    base: '/dev/v1/apps/:appId/webhooks',
    tag: 'developer',
    params: Type.Object({ appId: Type.String({ maxLength: 64 }) }),
    caller: async (request) => {
      const { appId } = request.params as { appId: string };
      const { user, app: owned } = await requireOwnedApp(ctx, request, appId);
      return { appId: owned.id, actor: { userId: user.id, via: 'api' } };
    },
  });
}

function mount(app: TypedApp, ctx: AppContext, m: Mount): void {
  const security = [{ bearer: [] }];
  const withId = Type.Object({ ...m.params.properties, id: IdParam });
  const withDelivery = Type.Object({ ...withId.properties, deliveryId: IdParam });
  const svc = ctx.webhooks;
  const now = () => ctx.clock.now();

  app.post(
    m.base,
    {
      schema: {
        tags: [m.tag],
        summary: 'Register a webhook endpoint; its whsec_ signing secret is in this response only',
        security,
        params: m.params,
        body: CreateEndpointBody,
        response: responses(201, EndpointWithSecretSchema),
      },
    },
    async (request, reply) => {
      const { appId, actor } = await m.caller(request, reply);
      const { endpoint, secret } = await svc.create(appId, request.body, actor);
      reply.status(201).header('cache-control', 'no-store');
      return ok(request, ctx.clock, { ...presentEndpoint(endpoint, now()), secret });
    },
  );

  app.get(
    m.base,
    {
      schema: {
        tags: [m.tag],
        summary: 'The webhook endpoints of the app',
        security,
        params: m.params,
        response: responses(200, Type.Array(EndpointSchema)),
      },
    },
    async (request, reply) => {
      const { appId } = await m.caller(request, reply);
      const endpoints = await ctx.repos.webhookEndpoints.listByApp(appId);
      return ok(
        request,
        ctx.clock,
        endpoints.map((e) => presentEndpoint(e, now())),
        { nextCursor: null },
      );
    },
  );

  app.get(
    `${m.base}/:id`,
    {
      schema: {
        tags: [m.tag],
        summary: 'One webhook endpoint (never its secret)',
        security,
        params: withId,
        response: responses(200, EndpointSchema),
      },
    },
    async (request, reply) => {
      const { appId } = await m.caller(request, reply);
      const endpoint = await svc.get(appId, (request.params as Params).id);
      return ok(request, ctx.clock, presentEndpoint(endpoint, now()));
    },
  );

  app.patch(
    `${m.base}/:id`,
    {
      schema: {
        tags: [m.tag],
        summary: 'Change the URL, events or description; enable or disable the endpoint',
        description:
          '`enabled: true` re-enables an endpoint that was disabled (after a 410 or five days of ' +
          'failures) and clears its failure record; `enabled: false` disables it and fails its pending deliveries.',
        security,
        params: withId,
        body: UpdateEndpointBody,
        response: responses(200, EndpointSchema),
      },
    },
    async (request, reply) => {
      const { appId, actor } = await m.caller(request, reply);
      const endpoint = await svc.update(appId, (request.params as Params).id, request.body, actor);
      return ok(request, ctx.clock, presentEndpoint(endpoint, now()));
    },
  );

  app.delete(
    `${m.base}/:id`,
    {
      schema: {
        tags: [m.tag],
        summary: 'Delete a webhook endpoint and its delivery history',
        security,
        params: withId,
        response: responses(200, Type.Object({ id: Type.String(), deleted: Type.Literal(true) })),
      },
    },
    async (request, reply) => {
      const { appId, actor } = await m.caller(request, reply);
      const { id } = request.params as Params;
      await svc.remove(appId, id, actor);
      return ok(request, ctx.clock, { id, deleted: true as const });
    },
  );

  app.post(
    `${m.base}/:id/rotate-secret`,
    {
      schema: {
        tags: [m.tag],
        summary: 'Make a new signing secret; the old one keeps signing beside it for 24 hours',
        security,
        params: withId,
        body: EmptyBody,
        response: responses(200, EndpointWithSecretSchema),
      },
    },
    async (request, reply) => {
      const { appId, actor } = await m.caller(request, reply);
      const { endpoint, secret } = await svc.rotateSecret(appId, (request.params as Params).id, actor);
      reply.header('cache-control', 'no-store');
      return ok(request, ctx.clock, { ...presentEndpoint(endpoint, now()), secret });
    },
  );

  app.post(
    `${m.base}/:id/test`,
    {
      schema: {
        tags: [m.tag],
        summary: 'Send a webhook.test event to this endpoint (signed, recorded and retried like any other)',
        security,
        params: withId,
        body: EmptyBody,
        response: responses(202, DeliverySchema),
      },
    },
    async (request, reply) => {
      const { appId } = await m.caller(request, reply);
      const delivery = await svc.sendTest(appId, (request.params as Params).id);
      reply.status(202);
      return ok(request, ctx.clock, presentDelivery(delivery, []));
    },
  );

  app.get(
    `${m.base}/:id/deliveries`,
    {
      schema: {
        tags: [m.tag],
        summary: 'Deliveries to this endpoint, newest first, each with every attempt',
        security,
        params: withId,
        querystring: DeliveryQuerySchema,
        response: responses(200, Type.Array(DeliverySchema)),
      },
    },
    async (request, reply) => {
      const { appId } = await m.caller(request, reply);
      const endpoint = await svc.get(appId, (request.params as Params).id);
      const limit = request.query.limit ?? 50;
      const rows = await ctx.repos.webhookDeliveries.listByEndpoint(endpoint.id, limit + 1, {
        before: decodeCursor(request.query.cursor),
        status: request.query.status,
      });
      const { page, nextCursor } = pageOf(rows, limit);
      const attempts = await ctx.repos.webhookDeliveries.listAttempts(page.map((d) => d.id));
      return ok(
        request,
        ctx.clock,
        page.map((d) => presentDelivery(d, attempts)),
        { nextCursor },
      );
    },
  );

  app.get(
    `${m.base}/:id/deliveries/:deliveryId`,
    {
      schema: {
        tags: [m.tag],
        summary: 'One delivery with every attempt',
        security,
        params: withDelivery,
        response: responses(200, DeliverySchema),
      },
    },
    async (request, reply) => {
      const { appId } = await m.caller(request, reply);
      const { id, deliveryId } = request.params as Params;
      const endpoint = await svc.get(appId, id);
      const delivery = await ctx.repos.webhookDeliveries.findForEndpoint(endpoint.id, deliveryId);
      if (!delivery) throw new AntaraError('not_found', 'No such delivery.');
      const attempts = await ctx.repos.webhookDeliveries.listAttempts([delivery.id]);
      return ok(request, ctx.clock, presentDelivery(delivery, attempts));
    },
  );

  app.post(
    `${m.base}/:id/deliveries/:deliveryId/redeliver`,
    {
      schema: {
        tags: [m.tag],
        summary: 'Send a delivery again, with the same webhook-id and a fresh retry schedule',
        security,
        params: withDelivery,
        body: EmptyBody,
        response: responses(202, DeliverySchema),
      },
    },
    async (request, reply) => {
      const { appId } = await m.caller(request, reply);
      const { id, deliveryId } = request.params as Params;
      const delivery = await svc.redeliver(appId, id, deliveryId);
      const attempts = await ctx.repos.webhookDeliveries.listAttempts([delivery.id]);
      reply.status(202);
      return ok(request, ctx.clock, presentDelivery(delivery, attempts));
    },
  );
}
