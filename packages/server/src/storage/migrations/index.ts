import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';

/** Ordered, frozen migrations. Append new ones; never edit a released one. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
