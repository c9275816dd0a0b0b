import type { FastifyReply } from 'fastify';
import { STYLESHEET_HREF } from './assets.js';
import { CSRF_FIELD } from './csrf.js';
import { type Html, html } from './html.js';

/** The pages a signed-in person moves between; `current` marks the one shown. */
export interface SignedInNav {
  csrf: string;
  current?: 'account' | 'inbox';
}

export interface PageOptions {
  title: string;
  body: Html;
  /** Given on pages for a signed-in person: Account · Inbox · Sign out in the header. */
  nav?: SignedInNav;
}

function navLink(href: string, label: string, here: boolean): Html {
  return here
    ? html`<a href="${href}" aria-current="page">${label}</a>`
    : html`<a href="${href}">${label}</a>`;
}

/** Sign out is a form: it changes state, so it is a CSRF-checked POST, never a link. */
function siteNav({ csrf, current }: SignedInNav): Html {
  return html`<nav class="site-nav" aria-label="Your account">
${navLink('/account', 'Account', current === 'account')}
${navLink('/inbox', 'Inbox', current === 'inbox')}
<form method="post" action="/sign-out">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<button type="submit" class="link">Sign out</button>
</form>
</nav>`;
}

/** The frame of every page. No scripts and no inline styles: the CSP forbids both. */
export function layout({ title, body, nav }: PageOptions): Html {
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
<header class="site-header"><a class="brand" href="/">Antara</a>${nav && siteNav(nav)}</header>
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
