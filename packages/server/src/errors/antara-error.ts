import { ERROR_CODES, type ErrorCode } from '@antara/protocol';

/** Every expected failure. Routes throw it; the one error handler renders it. */
export class AntaraError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: { retryAfter?: number; details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'AntaraError';
    this.status = ERROR_CODES[code].status;
  }
}

export const invalidRequest = (message: string, details?: unknown): AntaraError =>
  new AntaraError('invalid_request', message, { details });

export const rateLimited = (retryAfter: number): AntaraError =>
  new AntaraError('rate_limited', undefined, { retryAfter: Math.max(1, Math.ceil(retryAfter)) });
