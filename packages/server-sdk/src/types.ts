import type * as Protocol from '@antara/protocol';

/** A canonical scope name: `identity.read`, `messages.send`, `ai.chat`, `profile.basic`, `openid`. */
export type Scope = Protocol.Scope;
/** A person's trust level at Antara: `L0` (unverified) to `L2`. */
export type TrustLevel = Protocol.TrustLevel;
/** The webhook event names: `identity.approved`, `message.delivered`, `permission.changed`. */
export type EventType = Protocol.EventType;
/** The `data` of each webhook event type. */
export type EventDataByType = Protocol.EventDataByType;
/** `identity.approved`: a person approved your app; their per-app `userId`, `slug`, `alias`, `scopes`. */
export type IdentityApprovedData = Protocol.IdentityApprovedData;
/** `message.delivered`: a message your app sent landed in the person's inbox. */
export type MessageDeliveredData = Protocol.MessageDeliveredData;
/** `permission.changed`: a grant was revoked, or its scopes, slug or alias changed (before and after). */
export type PermissionChangedData = Protocol.PermissionChangedData;
/** The JSON body of a webhook delivery: `{ type, timestamp, data }`. */
export type WebhookPayload<T extends EventType = EventType> = Protocol.WebhookPayload<T>;

/**
 * The app token `connect()` obtained from `POST /auth/token/exchange` (the guide's
 * "API Authentication"). The SDK keeps the token itself and renews it before `expiresAt`.
 */
export interface AppConnection {
  appId: string;
  name: string;
  scopes: Scope[];
  /** Unix seconds at which the current `aat_` token expires (server time). */
  expiresAt: number;
  expiresIn: number;
}

/** What `send()` takes: a recipient (`slug` or `to`) and a text (`message` or `body`). */
export type SendInput = (
  | { slug: string; to?: undefined }
  | { /** `<slug>@useantara.com` */ to: string; slug?: undefined }
) &
  ({ message: string; body?: undefined } | { body: string; message?: undefined }) & {
    subject?: string;
    /**
     * Makes the send exactly-once: the same key with the same message within 24 hours creates
     * nothing new and answers the first result again. Generated (a UUID) when absent.
     */
    idempotencyKey?: string;
  };

/** A stored message, from `POST /app/v1/messages`. */
export interface SentMessage {
  messageId: string;
  slug: string;
  status: 'delivered' | (string & {});
  createdAt: string | number;
  /** The Idempotency-Key the SDK sent; keep it to retry the same send later. */
  idempotencyKey: string;
  /** True when Antara answered with the stored first response (`Idempotent-Replayed: true`). */
  replayed: boolean;
}

/** The current per-app identity of a person, from `POST /app/v1/identity/lookup`. */
export interface IdentityLookup {
  userId: string;
  slug: string;
  alias: string | null;
  trustLevel: TrustLevel;
  verified: boolean;
  status?: string;
  [field: string]: unknown;
}

/**
 * The per-app identity an OAuth exchange returns: the grant's `userId` (the OIDC `sub`), its
 * slug and alias. Never the email, phone, account id or primary handle.
 */
export interface GrantUser {
  userId: string;
  slug: string;
  alias: string | null;
  displayName?: string;
  trustLevel: TrustLevel;
  verified: boolean;
}

/** `POST /oauth/token` (JSON dialect) after an authorization code exchange. */
export interface OAuthTokens {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  expiresAt: number;
  refreshToken?: string;
  scopes: Scope[];
  idToken?: string;
  user: GrantUser;
}

/** `POST /auth/introspect`: whether a token is live and what it carries. */
export type Introspection = Omit<Protocol.Introspection, 'sessionType'> & {
  /** `user`, `app` or `oauth` (an `oit_` token a person granted to an app). */
  sessionType?: string;
  app?: { appId: string; name: string };
  /** `oit_` tokens: the per-app identity of the person who granted it. */
  identity?: GrantUser;
  [field: string]: unknown;
};

/** One turn of an AI chat. */
export interface AiChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What `aiChat()` takes. */
export interface AiChatInput {
  messages: AiChatMessage[];
  model?: string;
  maxTokens?: number;
  temperature?: number;
}

/** The answer of the gated AI chat. */
export interface AiChatResult {
  message: AiChatMessage;
  model?: string;
  [field: string]: unknown;
}

/**
 * A verified webhook delivery: the Standard Webhooks `webhook-id` (stable across retries; use it
 * to ignore duplicates) and the event. Narrow on `type` to get typed `data`.
 */
export type WebhookEvent = {
  [T in EventType]: { id: string; type: T; timestamp: string; data: EventDataByType[T] };
}[EventType];

/** Headers as Node (`IncomingHttpHeaders`), fetch (`Headers`) or a plain object give them. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;
