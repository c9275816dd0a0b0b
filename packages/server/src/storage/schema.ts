/**
 * Row types of every table. Times are epoch milliseconds; booleans are 0/1 integers and
 * JSON values are text so that one schema fits SQLite and PostgreSQL alike.
 */
export interface ServerKeysTable {
  name: string;
  value: string;
  created_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  phone: string | null;
  primary_slug: string;
  display_name: string;
  trust_level: string;
  email_verified_at: number | null;
  moderation_state: string;
  created_at: number;
  updated_at: number;
}

export interface EmailChallengesTable {
  id: string;
  email: string;
  code_hash: string;
  magic_hash: string;
  attempts: number;
  created_at: number;
  expires_at: number;
  /** Set when the challenge can no longer be verified: used, superseded or locked. */
  closed_at: number | null;
  verified_at: number | null;
  user_id: string | null;
  exchange_hash: string | null;
  exchange_expires_at: number | null;
  exchanged_at: number | null;
}

export interface UserSessionsTable {
  id: string;
  user_id: string;
  kind: string;
  access_hash: string;
  access_expires_at: number;
  refresh_hash: string | null;
  previous_refresh_hash: string | null;
  refresh_expires_at: number;
  created_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
}

export interface AppsTable {
  id: string;
  owner_user_id: string;
  name: string;
  homepage_url: string | null;
  redirect_uris: string;
  trust_level: string;
  moderation_state: string;
  created_at: number;
  updated_at: number;
}

export interface ApiKeysTable {
  id: string;
  app_id: string;
  name: string | null;
  key_hash: string;
  display_prefix: string;
  last_four: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AppTokensTable {
  id: string;
  app_id: string;
  api_key_id: string;
  token_hash: string;
  scopes: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: string;
  app_id: string | null;
  actor_user_id: string | null;
  action: string;
  details: string;
  created_at: number;
}

/** Events that announce a state change, written in the same transaction as the change. */
export interface OutboxTable {
  id: string;
  type: string;
  app_id: string | null;
  payload: string;
  created_at: number;
  /** Set when the webhook dispatcher has turned the event into deliveries (migration 0003). */
  webhooks_fanned_out_at: number | null;
}

/** A person's approval of one app: the per-app identity (`id` is the app-facing userId). */
export interface GrantsTable {
  id: string;
  account_id: string;
  app_id: string;
  slug: string;
  alias: string | null;
  scopes: string;
  /** 'active' or 'revoked'. */
  status: string;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
}

export interface OAuthCodesTable {
  id: string;
  code_hash: string;
  grant_id: string;
  app_id: string;
  redirect_uri: string;
  code_challenge: string;
  scopes: string;
  nonce: string | null;
  auth_time: number;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface OAuthFamiliesTable {
  id: string;
  grant_id: string;
  app_id: string;
  code_id: string;
  scopes: string;
  auth_time: number;
  created_at: number;
  revoked_at: number | null;
}

export interface OAuthAccessTokensTable {
  id: string;
  family_id: string;
  token_hash: string;
  scopes: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface OAuthRefreshTokensTable {
  id: string;
  family_id: string;
  token_hash: string;
  parent_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  retried_at: number | null;
}

export interface SigningKeysTable {
  generation: number;
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk: string;
  created_at: number;
}

/** A URL an app receives events at. Secrets are sealed, never stored in the clear. */
export interface WebhookEndpointsTable {
  id: string;
  app_id: string;
  url: string;
  description: string | null;
  /** JSON array of event types. */
  events: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: number | null;
  /** `enabled` or `disabled`. */
  status: string;
  /** `gone` (answered 410), `failing` (5 days of failures) or `manual`. */
  disabled_reason: string | null;
  disabled_at: number | null;
  owner_notified_at: number | null;
  /** Start of the current run of failed attempts; null after any success. */
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

/** One event for one endpoint; `event_id` is the stable `webhook-id`. */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  app_id: string;
  event_id: string;
  event_type: string;
  /** The exact body sent on every attempt. */
  payload: string;
  /** `pending`, `succeeded` or `failed`. */
  status: string;
  attempt_count: number;
  /** Position in the retry schedule of the current round (redelivery starts a new round). */
  schedule_step: number;
  next_attempt_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  endpoint_id: string;
  attempt_number: number;
  attempted_at: number;
  webhook_timestamp: number;
  /** `succeeded` or `failed`. */
  outcome: string;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

/** A message in a person's inbox (migration 0004). */
export interface MessagesTable {
  id: string;
  /** The recipient's account id. */
  user_id: string;
  /** 'app' (later also 'capability'). */
  sender_kind: string;
  sender_id: string;
  app_id: string | null;
  /** The address the sender used. */
  slug: string;
  subject: string | null;
  body: string;
  created_at: number;
  read_at: number | null;
}

/** The first response to an Idempotency-Key, per caller `scope`, for 24 hours. */
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  /** SHA-256 of the canonical request. */
  fingerprint: string;
  message_id: string;
  status_code: number;
  /** JSON of the response's `data`. */
  response: string;
  created_at: number;
  expires_at: number;
}

export interface MessageMutesTable {
  user_id: string;
  app_id: string;
  created_at: number;
}

export interface MessageReportsTable {
  id: string;
  message_id: string;
  user_id: string;
  sender_kind: string;
  sender_id: string;
  app_id: string | null;
  reason: string;
  note: string | null;
  created_at: number;
}

export interface Database {
  server_keys: ServerKeysTable;
  users: UsersTable;
  email_challenges: EmailChallengesTable;
  user_sessions: UserSessionsTable;
  apps: AppsTable;
  api_keys: ApiKeysTable;
  app_tokens: AppTokensTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  grants: GrantsTable;
  oauth_codes: OAuthCodesTable;
  oauth_families: OAuthFamiliesTable;
  oauth_access_tokens: OAuthAccessTokensTable;
  oauth_refresh_tokens: OAuthRefreshTokensTable;
  signing_keys: SigningKeysTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  messages: MessagesTable;
  idempotency_keys: IdempotencyKeysTable;
  message_mutes: MessageMutesTable;
  message_reports: MessageReportsTable;
}
