import type { ErrorCode, ErrorEnvelope } from '@antara/protocol';

/**
 * Codes an {@link AntaraError} may carry: every code of the Antara API (see docs/errors.md), the
 * OAuth error names of RFC 6749, and a few that arise in the SDK itself:
 * `network_error` (no response), `invalid_response` (a body that is not the Antara envelope),
 * `ai_unavailable` (the server has no AI chat), and the `webhook_*` codes of
 * {@link WebhookVerificationError}.
 */
export type AntaraErrorCode =
  | ErrorCode
  | 'network_error'
  | 'invalid_response'
  | 'ai_unavailable'
  | WebhookVerificationErrorCode
  | (string & {});

/** What every {@link AntaraError} carries besides its message. */
export interface AntaraErrorInit {
  code: AntaraErrorCode;
  message: string;
  /** The HTTP status of the response, or 0 when the error arose before any response. */
  status: number;
  /** The `requestId` of the response (also its `X-Request-Id` header); quote it to support. */
  requestId?: string | undefined;
  /** Seconds to wait before retrying, from the body's `retryAfter` or the `Retry-After` header. */
  retryAfter?: number | undefined;
  details?: unknown;
  cause?: unknown;
}

/**
 * The base class of every error the SDK throws. Catch it, then branch on `code` (stable) or on
 * the subclass (grouped by HTTP status).
 *
 * @example
 * ```ts
 * import { AntaraError, AntaraServer } from '@antara/server-sdk';
 * const antara = new AntaraServer({ apiKey: process.env.ANTARA_API_KEY ?? '' });
 * try {
 *   await antara.send({ slug: 'xK9mNp4QrT2w', message: 'Your order shipped!' });
 * } catch (error) {
 *   if (error instanceof AntaraError) console.error(error.code, error.status, error.requestId);
 * }
 * ```
 */
export class AntaraError extends Error {
  readonly code: AntaraErrorCode;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly retryAfter: number | undefined;
  readonly details: unknown;

  constructor(init: AntaraErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
    this.details = init.details;
  }
}

/**
 * 400, 413, 415 and 422: the request itself is wrong (`invalid_request`, `invalid_grant`,
 * `idempotency_key_reused`, …); retrying it unchanged cannot succeed.
 *
 * @example
 * ```ts
 * import { AntaraInvalidRequestError } from '@antara/server-sdk';
 * const isBadInput = (error: unknown) => error instanceof AntaraInvalidRequestError;
 * ```
 */
export class AntaraInvalidRequestError extends AntaraError {}

/**
 * 401: the API key or app token is wrong, revoked or expired (`invalid_client`, `invalid_token`).
 * The SDK already renewed its token once before throwing this.
 *
 * @example
 * ```ts
 * import { AntaraAuthenticationError } from '@antara/server-sdk';
 * const keyRevoked = (error: unknown) => error instanceof AntaraAuthenticationError;
 * ```
 */
export class AntaraAuthenticationError extends AntaraError {}

/**
 * 403: authenticated but not allowed (`insufficient_scope`, `forbidden`, a revoked grant, a
 * person who muted your app).
 *
 * @example
 * ```ts
 * import { AntaraPermissionError } from '@antara/server-sdk';
 * const notAllowed = (error: unknown) => error instanceof AntaraPermissionError && error.code === 'insufficient_scope';
 * ```
 */
export class AntaraPermissionError extends AntaraError {}

/**
 * 404 and 405: no such resource, for example `recipient_not_found` or an unknown user id.
 *
 * @example
 * ```ts
 * import { AntaraNotFoundError } from '@antara/server-sdk';
 * const unknownPerson = (error: unknown) => error instanceof AntaraNotFoundError;
 * ```
 */
export class AntaraNotFoundError extends AntaraError {}

/**
 * 409: a conflict, such as a send whose Idempotency-Key is still being processed.
 *
 * @example
 * ```ts
 * import { AntaraConflictError } from '@antara/server-sdk';
 * const inFlight = (error: unknown) => error instanceof AntaraConflictError;
 * ```
 */
export class AntaraConflictError extends AntaraError {}

/**
 * 429: too many requests. `retryAfter` says how many seconds to wait; the SDK has already
 * waited and retried as often as its retry options allow.
 *
 * @example
 * ```ts
 * import { AntaraRateLimitError } from '@antara/server-sdk';
 * const waitSeconds = (error: unknown) => (error instanceof AntaraRateLimitError ? error.retryAfter : undefined);
 * ```
 */
export class AntaraRateLimitError extends AntaraError {}

/**
 * 5xx: Antara failed (`internal_error`) or is unavailable (`service_unavailable`,
 * `ai_unavailable`). Retried with backoff before it reaches you.
 *
 * @example
 * ```ts
 * import { AntaraServerError } from '@antara/server-sdk';
 * const theirFault = (error: unknown) => error instanceof AntaraServerError;
 * ```
 */
export class AntaraServerError extends AntaraError {}

/**
 * No usable response: DNS, connection refused, reset, timeout, or a body that is not Antara's
 * envelope (`network_error`, `invalid_response`; `status` is 0 or the odd status received).
 *
 * @example
 * ```ts
 * import { AntaraConnectionError } from '@antara/server-sdk';
 * const offline = (error: unknown) => error instanceof AntaraConnectionError;
 * ```
 */
export class AntaraConnectionError extends AntaraError {}

/** Codes of {@link WebhookVerificationError}. */
export type WebhookVerificationErrorCode =
  | 'webhook_missing_headers'
  | 'webhook_invalid_secret'
  | 'webhook_timestamp_stale'
  | 'webhook_invalid_signature'
  | 'webhook_invalid_payload';

/**
 * A webhook delivery that must not be trusted: headers missing, a stale or future timestamp, no
 * matching signature, or a body that is not an Antara event. Answer it with a 400; `status` is
 * 400 for that reason.
 *
 * @example
 * ```ts
 * import { WebhookVerificationError } from '@antara/server-sdk';
 * const rejected = (error: unknown) => error instanceof WebhookVerificationError && error.code === 'webhook_timestamp_stale';
 * ```
 */
export class WebhookVerificationError extends AntaraError {
  declare readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super({ code, message, status: 400 });
  }
}

type ErrorClass = new (init: AntaraErrorInit) => AntaraError;

/** The one place where an HTTP status picks an error class. */
function classForStatus(status: number): ErrorClass {
  if (status === 401) return AntaraAuthenticationError;
  if (status === 403) return AntaraPermissionError;
  if (status === 404 || status === 405) return AntaraNotFoundError;
  if (status === 409) return AntaraConflictError;
  if (status === 429) return AntaraRateLimitError;
  if (status >= 500) return AntaraServerError;
  if (status >= 400) return AntaraInvalidRequestError;
  return AntaraConnectionError;
}

/**
 * Seconds from a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from '@antara/server-sdk';
 * console.log(parseRetryAfter('12', Date.now())); // 12
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Builds the typed error for a failed response: the Antara envelope
 * `{error:{code,message}, requestId, retryAfter?}`, or an RFC 6749 body `{error, error_description}`,
 * or anything else (then the code is `invalid_response`). The class follows the status.
 *
 * @example
 * ```ts
 * import { errorFromResponse } from '@antara/server-sdk';
 * const error = errorFromResponse(429, { error: { code: 'rate_limited', message: 'Slow down' }, requestId: 'r1', retryAfter: 3 });
 * console.log(error.name, error.retryAfter); // AntaraRateLimitError 3
 * ```
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  headers?: Headers,
  nowMs: number = Date.now(),
): AntaraError {
  const headerRequestId = headers?.get('x-request-id') ?? undefined;
  const headerRetryAfter = parseRetryAfter(headers?.get('retry-after'), nowMs);
  const Class = classForStatus(status);
  if (isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string') {
    const envelope = body as unknown as ErrorEnvelope;
    return new Class({
      code: envelope.error.code,
      message: envelope.error.message ?? envelope.error.code,
      status,
      requestId: typeof envelope.requestId === 'string' ? envelope.requestId : headerRequestId,
      retryAfter: typeof envelope.retryAfter === 'number' ? envelope.retryAfter : headerRetryAfter,
      details: envelope.error.details,
    });
  }
  if (isRecord(body) && typeof body.error === 'string') {
    return new Class({
      code: body.error,
      message: typeof body.error_description === 'string' ? body.error_description : body.error,
      status,
      requestId: headerRequestId,
      retryAfter: headerRetryAfter,
    });
  }
  const Fallback = status >= 400 ? Class : AntaraConnectionError;
  return new Fallback({
    code: 'invalid_response',
    message: `Antara answered HTTP ${status} without an error envelope.`,
    status,
    requestId: headerRequestId,
    retryAfter: headerRetryAfter,
    details: typeof body === 'string' ? body.slice(0, 500) : undefined,
  });
}
