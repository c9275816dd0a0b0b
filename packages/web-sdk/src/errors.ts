import type { ErrorCode, ErrorEnvelope } from '@antara/protocol';

/**
 * Codes an {@link AntaraError} of the web SDK may carry: the Antara API's codes (docs/errors.md),
 * the OAuth `error` a redirect brought back (`access_denied`, …), and the SDK's own:
 * `state_mismatch` (a callback this browser did not start, or started in another tab),
 * `issuer_mismatch` (the callback names another authorization server), `missing_code`,
 * `crypto_unavailable` (no WebCrypto: the page is not a secure context), `network_error`,
 * `invalid_response`.
 */
export type AntaraErrorCode =
  | ErrorCode
  | 'access_denied'
  | 'state_mismatch'
  | 'issuer_mismatch'
  | 'missing_code'
  | 'crypto_unavailable'
  | 'network_error'
  | 'invalid_response'
  | (string & {});

/**
 * Every failure of the web SDK. Branch on `code`; quote `requestId` (when Antara answered) to
 * support.
 *
 * @example
 * ```ts
 * import { AntaraClient, AntaraError } from '@antara/web-sdk';
 * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
 * try {
 *   await antara.handleRedirectCallback();
 * } catch (error) {
 *   if (error instanceof AntaraError && error.code === 'access_denied') console.log('The person said no.');
 * }
 * ```
 */
export class AntaraError extends Error {
  readonly code: AntaraErrorCode;
  /** HTTP status of Antara's answer; 0 when the error arose in the browser. */
  readonly status: number;
  readonly requestId: string | undefined;
  /** Seconds to wait before retrying (rate limits). */
  readonly retryAfter: number | undefined;

  constructor(init: {
    code: AntaraErrorCode;
    message: string;
    status?: number;
    requestId?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    super(init.message);
    this.name = 'AntaraError';
    this.code = init.code;
    this.status = init.status ?? 0;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }
}

/** The typed error of a failed Antara response (envelope or RFC 6749 body). */
export function errorFromResponse(status: number, body: unknown, headers: Headers): AntaraError {
  const requestId = headers.get('x-request-id') ?? undefined;
  const retryHeader = Number(headers.get('retry-after'));
  const retryAfter = Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : undefined;
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const envelope = record as Partial<ErrorEnvelope>;
  if (
    typeof envelope.error === 'object' &&
    envelope.error !== null &&
    typeof envelope.error.code === 'string'
  ) {
    return new AntaraError({
      code: envelope.error.code,
      message: envelope.error.message ?? envelope.error.code,
      status,
      requestId: envelope.requestId ?? requestId,
      retryAfter: envelope.retryAfter ?? retryAfter,
    });
  }
  if (typeof record.error === 'string') {
    const description = record.error_description;
    return new AntaraError({
      code: record.error,
      message: typeof description === 'string' ? description : record.error,
      status,
      requestId,
      retryAfter,
    });
  }
  return new AntaraError({
    code: 'invalid_response',
    message: `Antara answered HTTP ${status} without an error envelope.`,
    status,
    requestId,
    retryAfter,
  });
}
