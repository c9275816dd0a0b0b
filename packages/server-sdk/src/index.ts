/**
 * @antara/server-sdk: Antara for Node servers.
 *
 * @example
 * ```ts
 * import { AntaraServer } from '@antara/server-sdk';
 * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
 * await antara.connect();
 * await antara.send({ slug: '...', message: 'Hello!' });
 * ```
 */

export { AntaraServer, type AntaraServerOptions, DEFAULT_API_BASE } from './antara-server.js';
export { AppWebhooks, type CreatedWebhookEndpoint, type WebhookEndpoint } from './app-webhooks.js';
export {
  AntaraAuthenticationError,
  AntaraConflictError,
  AntaraConnectionError,
  AntaraError,
  type AntaraErrorCode,
  type AntaraErrorInit,
  AntaraInvalidRequestError,
  AntaraNotFoundError,
  AntaraPermissionError,
  AntaraRateLimitError,
  AntaraServerError,
  errorFromResponse,
  parseRetryAfter,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from './errors.js';
export type { RetryOptions } from './transport.js';
export type * from './types.js';
export { type VerifyOptions, WEBHOOK_TOLERANCE_SECONDS, Webhooks } from './webhooks.js';
