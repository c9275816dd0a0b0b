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
}
