import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as oauth from './0002-oauth.js';
import * as webhooks from './0003-webhooks.js';
import * as messaging from './0004-messaging.js';

/** Ordered, frozen migrations. Append new ones; never edit a released one. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-oauth': oauth,
  '0003-webhooks': webhooks,
  '0004-messaging': messaging,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
