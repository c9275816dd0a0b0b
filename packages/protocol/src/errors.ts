/**
 * Stable error codes of the Antara API. Every error response carries one of these in
 * `error.code`; the HTTP status is fixed per code. docs/errors.md documents each one and a
 * test keeps that table in step with this registry.
 */
export const ERROR_CODES = {
  invalid_request: { status: 400, message: 'The request is malformed or missing a required field.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  unsupported_media_type: { status: 415, message: 'The Content-Type of the request is not accepted here.' },
  payload_too_large: { status: 413, message: 'The request body is larger than allowed.' },
  not_found: { status: 404, message: 'No such resource.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed on this resource.' },
  invalid_token: { status: 401, message: 'The access token is missing, malformed, expired or revoked.' },
  insufficient_scope: { status: 403, message: 'The token lacks the scope this call needs.' },
  forbidden: { status: 403, message: 'You may not do this.' },
  csrf_failed: { status: 403, message: 'The form was stale or forged; reload the page and try again.' },
  rate_limited: { status: 429, message: 'Too many requests; wait before retrying.' },
  invalid_code: { status: 400, message: 'The code is wrong.' },
  code_expired: { status: 400, message: 'The code has expired, was used already, or has too many attempts.' },
  challenge_locked: { status: 400, message: 'Too many wrong codes; request a new one.' },
  invalid_grant: { status: 400, message: 'The code or refresh token is invalid, expired or already used.' },
  invalid_scope: {
    status: 400,
    message: 'A requested scope is unknown or more than this credential may grant.',
  },
  invalid_client: { status: 401, message: 'The client id or secret is wrong, revoked or does not match.' },
  invalid_redirect_uri: {
    status: 400,
    message: 'A redirect URI is not an https URL (or http on loopback), or has a fragment or wildcard.',
  },
  limit_reached: { status: 409, message: 'You have as many of these as an account or app may hold.' },
  redirect_uri_mismatch: {
    status: 400,
    message: 'The redirect_uri is not one of the URIs registered for this app.',
  },
  unsupported_response_type: { status: 400, message: 'Only response_type=code is supported.' },
  unsupported_grant_type: {
    status: 400,
    message: 'Only the authorization_code and refresh_token grant types are supported here.',
  },
  webhook_url_refused: {
    status: 400,
    message: 'The webhook URL is not allowed: it must be https and reach a public address.',
  },
  unknown_event_type: { status: 400, message: 'An event name is not in the webhook event catalogue.' },
  webhook_disabled: { status: 409, message: 'The webhook endpoint is disabled; enable it first.' },
  delivery_in_progress: {
    status: 409,
    message: 'This delivery is being attempted right now; try again shortly.',
  },
  recipient_not_found: {
    status: 404,
    message: 'No one with this address has approved this sender for messages.',
  },
  grant_revoked: {
    status: 403,
    message: 'The person revoked this app, so the address no longer takes its messages.',
  },
  messages_not_granted: {
    status: 403,
    message: 'The person did not allow this app to send them messages (messages.send).',
  },
  recipient_muted: { status: 403, message: 'The person has muted messages from this sender.' },
  app_restricted: {
    status: 403,
    message: 'This app is restricted by moderation and may not send messages for now.',
  },
  idempotency_key_required: {
    status: 400,
    message: 'Send an Idempotency-Key header (1 to 255 printable ASCII characters).',
  },
  idempotency_key_reused: {
    status: 422,
    message: 'This Idempotency-Key was already used with a different request.',
  },
  idempotency_request_in_progress: {
    status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry shortly.',
  },
  handle_taken: { status: 409, message: 'That handle is already taken.' },
  account_disabled: { status: 403, message: 'This account is disabled.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  service_unavailable: { status: 503, message: 'The service is not ready; try again shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The body of every error response (CONTRACT §3). */
export interface ErrorEnvelope {
  error: { code: ErrorCode | (string & {}); message: string; details?: unknown };
  requestId: string;
  retryAfter?: number;
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
