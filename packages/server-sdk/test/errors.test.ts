import { ERROR_CODES, type ErrorCode } from '@antara/protocol';
import { describe, expect, it } from 'vitest';
import {
  AntaraAuthenticationError,
  AntaraConflictError,
  AntaraConnectionError,
  AntaraError,
  AntaraInvalidRequestError,
  AntaraNotFoundError,
  AntaraPermissionError,
  AntaraRateLimitError,
  AntaraServerError,
  errorFromResponse,
  parseRetryAfter,
} from '../src/index.js';

const classFor: Record<number, typeof AntaraError> = {
  400: AntaraInvalidRequestError,
  401: AntaraAuthenticationError,
  403: AntaraPermissionError,
  404: AntaraNotFoundError,
  405: AntaraNotFoundError,
  409: AntaraConflictError,
  413: AntaraInvalidRequestError,
  415: AntaraInvalidRequestError,
  422: AntaraInvalidRequestError,
  429: AntaraRateLimitError,
  500: AntaraServerError,
  502: AntaraServerError,
  503: AntaraServerError,
};

describe('one status-to-error-class factory', () => {
  const codes = Object.entries(ERROR_CODES) as Array<[ErrorCode, { status: number; message: string }]>;

  it.each(codes)('types the documented code %s by its status', (code, { status, message }) => {
    const headers = new Headers({ 'x-request-id': 'header-id' });
    const body = {
      error: { code, message },
      requestId: 'req-123',
      ...(status === 429 ? { retryAfter: 7 } : {}),
    };
    const error = errorFromResponse(status, body, headers);
    const expected = classFor[status];
    if (!expected) throw new Error(`no class decided for HTTP ${status} (${code}): add it to the table`);
    expect(error).toBeInstanceOf(expected);
    expect(error).toBeInstanceOf(AntaraError);
    expect(error).toMatchObject({ code, status, message, requestId: 'req-123', name: expected.name });
    expect(error.retryAfter).toBe(status === 429 ? 7 : undefined);
  });

  it('reads RFC 6749 error bodies of the OAuth endpoints', () => {
    const error = errorFromResponse(
      400,
      { error: 'invalid_grant', error_description: 'The code was used already.' },
      new Headers({ 'x-request-id': 'r-9' }),
    );
    expect(error).toBeInstanceOf(AntaraInvalidRequestError);
    expect(error).toMatchObject({
      code: 'invalid_grant',
      message: 'The code was used already.',
      requestId: 'r-9',
    });
  });

  it('takes retryAfter from the Retry-After header when the body has none, in seconds or as a date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    const seconds = errorFromResponse(503, 'Service Unavailable', new Headers({ 'retry-after': '12' }), now);
    expect(seconds).toBeInstanceOf(AntaraServerError);
    expect(seconds).toMatchObject({ code: 'invalid_response', retryAfter: 12 });
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('reports a body that is not Antara as invalid_response, keeping the start of it', () => {
    const error = errorFromResponse(502, '<html>Bad gateway</html>', new Headers());
    expect(error).toBeInstanceOf(AntaraServerError);
    expect(error).toMatchObject({
      code: 'invalid_response',
      status: 502,
      details: '<html>Bad gateway</html>',
    });
    expect(errorFromResponse(302, undefined, new Headers())).toBeInstanceOf(AntaraConnectionError);
  });
});
