import type { Introspection } from '@antara/protocol';

/**
 * One kind of token that `POST /auth/introspect` understands. Each returns null for every
 * kind of "not valid", so the endpoint answers `{ active: false }` uniformly.
 */
export interface Introspector {
  prefix: string;
  introspect(token: string): Promise<(Introspection & Record<string, unknown>) | null>;
}
