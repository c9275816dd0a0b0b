import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { createEmailChallengeRepository, type EmailChallengeRepository } from './email-challenges.js';
import { createUserSessionRepository, type UserSessionRepository } from './user-sessions.js';
import { createUserRepository, type UserRepository } from './users.js';

/** Every repository, built over one Kysely instance (or a transaction of it). */
export interface Repositories {
  users: UserRepository;
  emailChallenges: EmailChallengeRepository;
  userSessions: UserSessionRepository;
}

export function createRepositories(db: Kysely<Database>): Repositories {
  return {
    users: createUserRepository(db),
    emailChallenges: createEmailChallengeRepository(db),
    userSessions: createUserSessionRepository(db),
  };
}
