import { Type } from 'typebox';
import { MESSAGE_LIMITS, MESSAGING_DOMAIN, REPORT_REASONS } from './policy.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

// Lengths here are generous outer bounds; message-input.ts checks the exact rules and says
// in words what is wrong.
export const SendMessageBodySchema = Type.Object(
  {
    slug: Type.Optional(
      Type.String({ maxLength: 256, description: 'The per-app slug the person was given to this app' }),
    ),
    to: Type.Optional(
      Type.String({ maxLength: 512, description: `The logical address <slug>@${MESSAGING_DOMAIN}` }),
    ),
    subject: Type.Optional(
      Nullable(Type.String({ maxLength: 4 * MESSAGE_LIMITS.subjectMaxLength, description: 'One line' })),
    ),
    body: Type.String({
      maxLength: 4 * MESSAGE_LIMITS.bodyMaxLength,
      description: `Plain text, at most ${MESSAGE_LIMITS.bodyMaxLength} characters`,
    }),
  },
  { additionalProperties: false },
);

export const IdempotencyHeadersSchema = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'Required: 1 to 255 printable ASCII characters, unique per message' }),
  ),
});

export const SentMessageSchema = Type.Object({
  messageId: Type.String(),
  slug: Type.String(),
  status: Type.Literal('delivered'),
  createdAt: Type.Integer(),
});

export const InboxMessageSchema = Type.Object({
  messageId: Type.String(),
  /** Null for a message whose app was deleted (or, later, one sent with a capability token). */
  appId: Nullable(Type.String()),
  appName: Nullable(Type.String()),
  /** The address the sender used. */
  slug: Type.String(),
  subject: Nullable(Type.String()),
  body: Type.String(),
  createdAt: Type.Integer(),
  readAt: Nullable(Type.Integer()),
});

export const MessageIdParamsSchema = Type.Object({ messageId: Type.String({ maxLength: 64 }) });
export const AppIdParamsSchema = Type.Object({ appId: Type.String({ maxLength: 64 }) });

export const InboxQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    appId: Type.Optional(Type.String({ format: 'uuid' })),
    unread: Type.Optional(Type.Boolean({ description: 'Only messages not read yet' })),
  },
  { additionalProperties: false },
);

export const ReportReasonSchema = Type.Union(REPORT_REASONS.map((reason) => Type.Literal(reason)));

export const ReportBodySchema = Type.Object(
  {
    reason: ReportReasonSchema,
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Anything the reviewers should know' })),
  },
  { additionalProperties: false },
);

export const ReportSchema = Type.Object({
  reportId: Type.String(),
  messageId: Type.String(),
  appId: Nullable(Type.String()),
  reason: Type.String(),
  note: Nullable(Type.String()),
  createdAt: Type.Integer(),
});

export const MuteSchema = Type.Object({
  appId: Type.String(),
  muted: Type.Boolean(),
  mutedAt: Nullable(Type.Integer()),
});

export const MutedAppSchema = Type.Object({
  appId: Type.String(),
  appName: Type.String(),
  mutedAt: Type.Integer(),
});
