import type { ErrorEnvelope } from '@antara/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { prefersHtml } from '../http/accept.js';
import { allowedMethods, trackRoutes } from '../http/route-inventory.js';
import { AntaraError } from './antara-error.js';
import { sendOAuthError, speaksOAuthWire } from './oauth-dialect.js';

/**
 * How an error is rendered for a route: the Antara envelope (default), an HTML page, or for
 * OAuth-style endpoints ('oauth') the RFC 6749 §5.2 body whenever the caller speaks that wire
 * format (form-encoded body or HTTP Basic), the envelope otherwise. 'form-html' is for a path
 * that both an API client (JSON) and a browser form (form-encoded) post to, such as
 * /oauth/consent: a page for the browser, the envelope for the API client.
 */
export type ErrorDialect = 'envelope' | 'html' | 'oauth' | 'form-html';

declare module 'fastify' {
  interface FastifyContextConfig {
    errorDialect?: ErrorDialect;
  }
}

/** Renders an error as HTML for page routes. Set by the pages plugin. */
export type HtmlErrorRenderer = (error: AntaraError, request: FastifyRequest, reply: FastifyReply) => unknown;

const FASTIFY_CODES: Record<string, () => AntaraError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new AntaraError('unsupported_media_type'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new AntaraError('invalid_request', 'Content-Length does not match.'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new AntaraError('payload_too_large'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new AntaraError('invalid_json', 'The JSON body is empty.'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new AntaraError('invalid_json'),
  FST_ERR_BAD_URL: () => new AntaraError('invalid_request', 'The URL is malformed.'),
  FST_ERR_MAX_PARAM_LENGTH: () =>
    new AntaraError('invalid_request', 'A path segment of the URL is too long.'),
  FST_ERR_ASYNC_CONSTRAINT: () => new AntaraError('invalid_request'),
};

/** Turns anything thrown into an AntaraError; unknown faults become internal_error. */
export function toAntaraError(error: unknown): AntaraError {
  if (error instanceof AntaraError) return error;
  const fastifyError = error as FastifyError & { validationContext?: string };
  if (fastifyError?.validation) {
    const where = fastifyError.validationContext ?? 'body';
    const first = fastifyError.validation[0];
    const field = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : undefined;
    const unknown =
      first?.keyword === 'additionalProperties' ? (first.params?.additionalProperty as string) : undefined;
    const message = unknown
      ? `Unknown field "${unknown}" in ${where}.`
      : `Invalid ${where}${field ? ` field "${field}"` : ''}: ${first?.message ?? 'does not match the schema'}.`;
    return new AntaraError('invalid_request', message);
  }
  const mapped = fastifyError?.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return mapped();
  if (error instanceof SyntaxError) return new AntaraError('invalid_json');
  if (fastifyError?.statusCode === 429) return new AntaraError('rate_limited');
  if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AntaraError('invalid_request', fastifyError.message);
  }
  return new AntaraError('internal_error');
}

export function envelopeFor(error: AntaraError, requestId: string): ErrorEnvelope {
  const body: ErrorEnvelope = { error: { code: error.code, message: error.message }, requestId };
  if (error.extra.details !== undefined) body.error.details = error.extra.details;
  if (error.extra.retryAfter !== undefined) body.retryAfter = error.extra.retryAfter;
  return body;
}

function statusAndHeaders(error: AntaraError, reply: FastifyReply): void {
  reply.status(error.status);
  if (error.extra.retryAfter !== undefined) reply.header('retry-after', String(error.extra.retryAfter));
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) reply.header(name, value);
}

function sendEnvelope(error: AntaraError, request: FastifyRequest, reply: FastifyReply) {
  statusAndHeaders(error, reply);
  return reply
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(envelopeFor(error, request.id));
}

/**
 * Fastify `frameworkErrors`: failures before routing (a malformed URL) get the envelope too.
 * No hook has run yet, so the request id header is set here.
 */
export function renderFrameworkError(raw: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  sendEnvelope(toAntaraError(raw), request, reply);
}

const isFormPost = (request: FastifyRequest) =>
  /^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '');

/** The single place where errors become HTTP responses. Call it before routes are registered. */
export function installErrorHandler(app: FastifyInstance, renderHtml?: HtmlErrorRenderer): void {
  trackRoutes(app);
  const methodsOn = allowedMethods(app);
  const sendPage = (error: AntaraError, request: FastifyRequest, reply: FastifyReply) => {
    statusAndHeaders(error, reply);
    return renderHtml?.(error, request, reply);
  };
  app.setErrorHandler((raw, request, reply) => {
    const error = toAntaraError(raw);
    if (error.code === 'internal_error') request.log.error({ err: raw }, 'unhandled error');
    const dialect = request.routeOptions.config?.errorDialect;
    const asPage = dialect === 'html' || (dialect === 'form-html' && isFormPost(request));
    if (asPage && renderHtml) return sendPage(error, request, reply);
    if (dialect === 'oauth' && speaksOAuthWire(request)) {
      return sendOAuthError(error, request, reply);
    }
    return sendEnvelope(error, request, reply);
  });
  // No route, so no route's dialect: a browser (Accept prefers HTML) gets a page, the rest the envelope.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methodsOn(path);
    const error =
      allowed.length > 0
        ? new AntaraError('method_not_allowed', `${request.method} is not allowed on ${path}.`, {
            headers: { allow: allowed.join(', ') },
          })
        : new AntaraError('not_found', `No route for ${request.method} ${path}.`);
    if (renderHtml && prefersHtml(request.headers.accept)) return sendPage(error, request, reply);
    return sendEnvelope(error, request, reply);
  });
}
