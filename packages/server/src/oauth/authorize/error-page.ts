import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AntaraError } from '../../errors/antara-error.js';
import { html } from '../../pages/html.js';
import { sendPage } from '../../pages/layout.js';

/**
 * The page for an authorization request whose app or redirect URI cannot be trusted.
 * Antara never redirects such a request anywhere (RFC 6749 §4.1.2.1): the person stays here.
 */
export function sendAuthorizeErrorPage(error: AntaraError, request: FastifyRequest, reply: FastifyReply) {
  const title = error.code === 'redirect_uri_mismatch' ? 'This sign-in link is not valid' : 'Unknown app';
  return sendPage(
    reply,
    {
      title,
      body: html`<section class="card">
<h1>${title}</h1>
<p class="alert error" role="alert">${error.message}</p>
<p>The app that sent you here made a mistake in its sign-in link, so Antara will not send you
back to it. Nothing was shared. You can close this page.</p>
<p class="request-id">Request ${request.id}</p>
</section>`,
    },
    error.status,
  );
}
