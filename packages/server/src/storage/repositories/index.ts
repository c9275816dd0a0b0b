import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { type ApiKeyRepository, createApiKeyRepository } from './api-keys.js';
import { type AppTokenRepository, createAppTokenRepository } from './app-tokens.js';
import { type AppRepository, createAppRepository } from './apps.js';
import { type AuditLogRepository, createAuditLogRepository } from './audit-log.js';
import { createEmailChallengeRepository, type EmailChallengeRepository } from './email-challenges.js';
import { createGrantRepository, type GrantRepository } from './grants.js';
import { createIdempotencyKeyRepository, type IdempotencyKeyRepository } from './idempotency-keys.js';
import { createMessageMuteRepository, type MessageMuteRepository } from './message-mutes.js';
import { createMessageRecipientRepository, type MessageRecipientRepository } from './message-recipients.js';
import { createMessageReportRepository, type MessageReportRepository } from './message-reports.js';
import { createMessageRepository, type MessageRepository } from './messages.js';
import { createOAuthCodeRepository, type OAuthCodeRepository } from './oauth-codes.js';
import { createOAuthTokenRepository, type OAuthTokenRepository } from './oauth-tokens.js';
import { createSigningKeyRepository, type SigningKeyRepository } from './signing-keys.js';
import { createUserSessionRepository, type UserSessionRepository } from './user-sessions.js';
import { createUserRepository, type UserRepository } from './users.js';
import { createWebhookDeliveryRepository, type WebhookDeliveryRepository } from './webhook-deliveries.js';
import { createWebhookEndpointRepository, type WebhookEndpointRepository } from './webhook-endpoints.js';

/** Every repository, built over one Kysely instance (or a transaction of it). */
export interface Repositories {
  users: UserRepository;
  emailChallenges: EmailChallengeRepository;
  userSessions: UserSessionRepository;
  apps: AppRepository;
  apiKeys: ApiKeyRepository;
  appTokens: AppTokenRepository;
  auditLog: AuditLogRepository;
  webhookEndpoints: WebhookEndpointRepository;
  webhookDeliveries: WebhookDeliveryRepository;
  grants: GrantRepository;
  oauthCodes: OAuthCodeRepository;
  oauthTokens: OAuthTokenRepository;
  signingKeys: SigningKeyRepository;
  messages: MessageRepository;
  messageRecipients: MessageRecipientRepository;
  messageMutes: MessageMuteRepository;
  messageReports: MessageReportRepository;
  idempotencyKeys: IdempotencyKeyRepository;
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
    webhookEndpoints: createWebhookEndpointRepository(db),
    webhookDeliveries: createWebhookDeliveryRepository(db),
    grants: createGrantRepository(db),
    oauthCodes: createOAuthCodeRepository(db),
    oauthTokens: createOAuthTokenRepository(db),
    signingKeys: createSigningKeyRepository(db),
    messages: createMessageRepository(db),
    messageRecipients: createMessageRecipientRepository(db),
    messageMutes: createMessageMuteRepository(db),
    messageReports: createMessageReportRepository(db),
    idempotencyKeys: createIdempotencyKeyRepository(db),
  };
}
