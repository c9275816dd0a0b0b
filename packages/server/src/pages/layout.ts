import type { FastifyReply } from 'fastify';
import { STYLESHEET_HREF } from './assets.js';
import { type Html, html } from './html.js';

export interface PageOptions {
  title: string;
  body: Html;
}

/** The frame of every page. No scripts and no inline styles: the CSP forbids both. */
export function layout({ title, body }: PageOptions): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Antara</title>
<link rel="stylesheet" href="${STYLESHEET_HREF}">
<link rel="icon" href="data:,">
</head>
<body>
<header class="site-header"><a class="brand" href="/">Antara</a></header>
<main>
${body}
</main>
<footer class="site-footer">Antara · one account, a different identity for every app.</footer>
</body>
</html>
`;
}

/** Sends a whole page. Pages carry CSRF tokens and personal data, so nothing caches them. */
export function sendPage(reply: FastifyReply, page: PageOptions, status = 200): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(layout(page).value);
}
