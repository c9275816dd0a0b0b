import type { ErrorCode } from '@antara/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AntaraError } from '../errors/antara-error.js';
import { html } from './html.js';
import { sendPage } from './layout.js';

const TITLES: Partial<Record<ErrorCode, string>> = {
  csrf_failed: 'This form has expired',
  rate_limited: 'Too many tries',
  code_expired: 'This sign-in has expired',
  challenge_locked: 'This sign-in is locked',
  invalid_code: 'This sign-in link is not valid',
  account_disabled: 'Account disabled',
  not_found: 'Page not found',
  method_not_allowed: 'Not here',
  invalid_request: 'That request did not work',
  internal_error: 'Something went wrong',
  service_unavailable: 'Antara is busy',
};

/**
 * Renders an error of a page route (errorDialect 'html') as a page; the error handler has
 * already set the status and headers.
 */
export function renderErrorPage(error: AntaraError, request: FastifyRequest, reply: FastifyReply) {
  const title = TITLES[error.code] ?? 'That did not work';
  const retry = error.extra.retryAfter;
  return sendPage(
    reply,
    {
      title,
      body: html`<section class="card">
<h1>${title}</h1>
<p class="alert error" role="alert">${error.message}</p>
${retry !== undefined && html`<p>Try again in ${retry} second${retry === 1 ? '' : 's'}.</p>`}
<p><a href="/">Back to sign-in</a></p>
<p class="request-id">Request ${request.id}</p>
</section>`,
    },
    error.status,
  );
}
