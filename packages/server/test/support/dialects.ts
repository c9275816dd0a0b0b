import { describe } from 'vitest';
import { DIALECTS, type Dialect, postgresAvailable } from './databases.js';

const pgUp = await postgresAvailable();

/**
 * Declares a suite once per dialect: `eachDialect('sign-in', (dialect) => { … })`.
 * PostgreSQL suites are skipped only off CI when no server answers.
 */
export function eachDialect(name: string, body: (dialect: Dialect) => void): void {
  for (const dialect of DIALECTS) {
    const suite = dialect === 'postgres' && !pgUp ? describe.skip : describe;
    suite(`${name} [${dialect}]`, () => body(dialect));
  }
}
