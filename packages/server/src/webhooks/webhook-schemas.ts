import { EVENT_TYPES } from '@antara/protocol';
import { Type } from 'typebox';

const NoControlChars = '^[^\\u0000-\\u001f\\u007f]*$';
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const WebhookUrlSchema = Type.String({ minLength: 1, maxLength: 2000 });
// Names are checked in the service, so that an unknown one is answered with the valid list.
export const EventListSchema = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 20,
  description: `Any of ${EVENT_TYPES.join(', ')}`,
});
export const DescriptionSchema = Type.String({ maxLength: 200, pattern: NoControlChars });

export const CreateEndpointBody = Type.Object(
  { url: WebhookUrlSchema, events: EventListSchema, description: Type.Optional(Nullable(DescriptionSchema)) },
  { additionalProperties: false },
);

export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(WebhookUrlSchema),
    events: Type.Optional(EventListSchema),
    description: Type.Optional(Nullable(DescriptionSchema)),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const EndpointSchema = Type.Object({
  id: Type.String(),
  appId: Type.String(),
  url: Type.String(),
  description: Nullable(Type.String()),
  events: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]),
  disabledReason: Nullable(Type.String()),
  disabledAt: Nullable(Type.Integer()),
  failingSince: Nullable(Type.Integer()),
  previousSecretExpiresAt: Nullable(Type.Integer()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});

export const EndpointWithSecretSchema = Type.Object({ ...EndpointSchema.properties, secret: Type.String() });

export const AttemptSchema = Type.Object({
  attemptNumber: Type.Integer(),
  attemptedAt: Type.Integer(),
  outcome: Type.String(),
  statusCode: Nullable(Type.Integer()),
  latencyMs: Type.Integer(),
  responseExcerpt: Nullable(Type.String()),
  error: Nullable(Type.String()),
});

export const DeliverySchema = Type.Object({
  deliveryId: Type.String(),
  webhookId: Type.String(),
  endpointId: Type.String(),
  eventType: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  attemptCount: Type.Integer(),
  nextAttemptAt: Nullable(Type.Integer()),
  createdAt: Type.Integer(),
  completedAt: Nullable(Type.Integer()),
  payload: Type.Unknown(),
  attempts: Type.Array(AttemptSchema),
});

export const DeliveryQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    ),
  },
  { additionalProperties: false },
);
