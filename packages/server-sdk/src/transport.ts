import { AntaraConnectionError, AntaraError, errorFromResponse } from './errors.js';

/** Retry settings of {@link AntaraServer}. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, with jitter. Default 250 ms. */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay. Default 8,000 ms. */
  maxDelayMs?: number;
  /** A `retryAfter` longer than this is not waited for; the error is thrown at once. Default 60 s. */
  maxRetryAfterSeconds?: number;
}

/**
 * When a failed call may be sent again:
 * - `safe`: reads, token exchanges and sends carrying an Idempotency-Key; retried on network
 *   failures, 429, 5xx and a 409 for a key still in flight.
 * - `unprocessed`: calls that must not run twice (an authorization code is single use); retried
 *   only when Antara said it did not process them (429, 503).
 */
export type RetryPolicy = 'safe' | 'unprocessed';

export interface TransportOptions {
  apiBase: string;
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  retry: Required<RetryOptions>;
  timeoutMs: number;
  userAgent: string;
}

export interface CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  retry: RetryPolicy;
  /** Supplies the bearer token; called again after `onUnauthorized`. */
  bearer?: () => Promise<string>;
  /** Called once on a 401 invalid_token; the call is then repeated with a fresh bearer. */
  onUnauthorized?: () => void;
}

export interface CallResult<T> {
  data: T;
  status: number;
  headers: Headers;
  requestId: string | undefined;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
// Why: these 5xx codes describe a state (no AI configured), not a passing fault.
const PERMANENT_CODES = new Set(['ai_unavailable']);

function retryable(error: AntaraError, policy: RetryPolicy): boolean {
  if (PERMANENT_CODES.has(error.code)) return false;
  if (policy === 'unprocessed') return error.status === 429 || error.status === 503;
  if (error instanceof AntaraConnectionError && error.status === 0) return true;
  if (error.status === 409 && error.code === 'idempotency_request_in_progress') return true;
  return RETRYABLE_STATUS.has(error.status);
}

/** Sends one API call with the envelope, typed errors, token refresh on 401 and retries. */
export class Transport {
  constructor(readonly options: TransportOptions) {}

  async call<T>(call: CallOptions): Promise<CallResult<T>> {
    const { retry } = this.options;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      let error: AntaraError;
      try {
        return await this.#once<T>(call);
      } catch (caught) {
        if (!(caught instanceof AntaraError)) throw caught;
        error = caught;
      }
      if (error.status === 401 && error.code === 'invalid_token' && call.onUnauthorized && !renewed) {
        // The token died early (revoked key rotation, clock skew): renew once, not counted as a retry.
        renewed = true;
        call.onUnauthorized();
        attempt--;
        continue;
      }
      if (attempt >= retry.maxRetries || !retryable(error, call.retry)) throw error;
      if (error.retryAfter !== undefined && error.retryAfter > retry.maxRetryAfterSeconds) throw error;
      await this.options.sleep(this.#delay(attempt, error));
    }
  }

  #delay(attempt: number, error: AntaraError): number {
    const { baseDelayMs, maxDelayMs } = this.options.retry;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
    const jittered = backoff / 2 + (this.options.random() * backoff) / 2;
    const told = error.retryAfter === undefined ? 0 : error.retryAfter * 1000;
    return Math.max(told, jittered);
  }

  async #once<T>(call: CallOptions): Promise<CallResult<T>> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent,
      ...call.headers,
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.bearer) headers.authorization = `Bearer ${await call.bearer()}`;
    let response: Response;
    try {
      response = await this.options.fetch(`${this.options.apiBase}${call.path}`, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      throw new AntaraConnectionError({
        code: 'network_error',
        message: `Could not reach Antara at ${this.options.apiBase}: ${(cause as Error).message}`,
        status: 0,
        cause,
      });
    }
    const text = await response.text().catch(() => '');
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: errorFromResponse reports it as invalid_response below.
    }
    const requestId = response.headers.get('x-request-id') ?? undefined;
    if (!response.ok) throw errorFromResponse(response.status, body, response.headers, this.options.now());
    const data = (body as { data?: unknown } | undefined)?.data;
    if (data === undefined) {
      throw new AntaraConnectionError({
        code: 'invalid_response',
        message: `Antara answered ${call.method} ${call.path} without a data envelope.`,
        status: response.status,
        requestId,
      });
    }
    return { data: data as T, status: response.status, headers: response.headers, requestId };
  }
}
