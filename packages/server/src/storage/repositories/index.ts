import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { type ApiKeyRepository, createApiKeyRepository } from './api-keys.js';
import { type AppTokenRepository, createAppTokenRepository } from './app-tokens.js';
import { type AppRepository, createAppRepository } from './apps.js';
import { type AuditLogRepository, createAuditLogRepository } from './audit-log.js';
import { createEmailChallengeRepository, type EmailChallengeRepository } from './email-challenges.js';
import { createGrantRepository, type GrantRepository } from './grants.js';
import { createOAuthCodeRepository, type OAuthCodeRepository } from './oauth-codes.js';
import { createOAuthTokenRepository, type OAuthTokenRepository } from './oauth-tokens.js';
import { createSigningKeyRepository, type SigningKeyRepository } from './signing-keys.js';
import { createUserSessionRepository, type UserSessionRepository } from './user-sessions.js';
import { createUserRepository, type UserRepository } from './users.js';

/** Every repository, built over one Kysely instance (or a transaction of it). */
export interface Repositories {
  users: UserRepository;
  emailChallenges: EmailChallengeRepository;
  userSessions: UserSessionRepository;
  apps: AppRepository;
  apiKeys: ApiKeyRepository;
  appTokens: AppTokenRepository;
  auditLog: AuditLogRepository;
  grants: GrantRepository;
  oauthCodes: OAuthCodeRepository;
  oauthTokens: OAuthTokenRepository;
  signingKeys: SigningKeyRepository;
}

export function createRepositories(db: Kysely<Database>): Repositories {
  return {
    users: createUserRepository(db),
    emailChallenges: createEmailChallengeRepository(db),
    userSessions: createUserSessionRepository(db),
    apps: createAppRepository(db),
    apiKeys: createApiKeyRepository(db),
    appTokens: createAppTokenRepository(db),
    auditLog: createAuditLogRepository(db),
    grants: createGrantRepository(db),
    oauthCodes: createOAuthCodeRepository(db),
    oauthTokens: createOAuthTokenRepository(db),
    signingKeys: createSigningKeyRepository(db),
  };
}
