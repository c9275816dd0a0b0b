import type { WebhookEvent } from '@antara/server-sdk';
import type { DemoConfig } from './config.js';

/** What the demo remembers about a signed-in person: their per-app identity, nothing more. */
export interface DemoUser {
  userId: string;
  slug: string;
  alias: string | null;
  trustLevel: string;
  verified: boolean;
  scopes: string[];
}

export interface ReceivedEvent {
  event: WebhookEvent;
  receivedAt: Date;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

function layout(config: DemoConfig, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Antara demo app</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
  nav a { margin-right: 1rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; }
  button, input, textarea { font: inherit; }
  textarea, input[type=text] { width: 100%; box-sizing: border-box; }
  table { border-collapse: collapse; width: 100%; }
  td, th { border-bottom: 1px solid #ddd; padding: .3rem; text-align: left; vertical-align: top; }
  .notice { background: #eef6ee; padding: .5rem 1rem; }
</style>
</head>
<body data-app-id="${escapeHtml(config.appId)}" data-api-base="${escapeHtml(config.antaraUrl)}" data-redirect-uri="${escapeHtml(`${config.publicUrl}/callback`)}">
<nav><a href="/">Demo app</a><a href="/webhooks">Webhooks received</a></nav>
${body}
<script src="/app.js"></script>
</body>
</html>`;
}

export function homePage(
  config: DemoConfig,
  user: DemoUser | undefined,
  csrf: string,
  sent?: string,
): string {
  if (!user) {
    return layout(
      config,
      'Welcome',
      `<h1>A small app that uses Antara</h1>
<p>Sign in without giving this app your email: Antara gives it a private per-app identity.</p>
<button id="login" type="button">Login with Antara</button>`,
    );
  }
  return layout(
    config,
    'Signed in',
    `<h1>Signed in with Antara</h1>
<p>This is everything this app knows about you:</p>
<dl>
  <dt>Slug</dt><dd data-field="slug">${escapeHtml(user.slug)}</dd>
  <dt>Alias</dt><dd data-field="alias">${escapeHtml(user.alias ?? '(none)')}</dd>
  <dt>Trust level</dt><dd data-field="trust">${escapeHtml(user.trustLevel)}${user.verified ? ' (verified)' : ''}</dd>
  <dt>User id</dt><dd data-field="user-id">${escapeHtml(user.userId)}</dd>
  <dt>Scopes</dt><dd data-field="scopes">${escapeHtml(user.scopes.join(' '))}</dd>
</dl>
${sent ? `<p class="notice" id="sent">Message <code data-field="message-id">${escapeHtml(sent)}</code> delivered to your Antara inbox.</p>` : ''}
<h2>Send yourself a message</h2>
<form method="post" action="/send">
  <input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
  <p><label>Subject <input type="text" name="subject" id="subject" maxlength="200"></label></p>
  <p><label>Message <textarea name="message" id="message" rows="3" required></textarea></label></p>
  <p><button type="submit" id="send">Send through Antara</button></p>
</form>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><button type="submit">Sign out</button></form>`,
  );
}

export function callbackPage(config: DemoConfig): string {
  return layout(
    config,
    'Signing in',
    '<h1>Signing in…</h1><p id="callback-status">Finishing the login with Antara.</p>',
  );
}

function summary(event: WebhookEvent): string {
  switch (event.type) {
    case 'identity.approved':
      return `slug ${event.data.slug}, scopes ${event.data.scopes.join(' ')}`;
    case 'message.delivered':
      return `message ${event.data.messageId} to ${event.data.slug}`;
    case 'permission.changed':
      return `${event.data.change}: ${JSON.stringify(event.data.before)} → ${JSON.stringify(event.data.after)}`;
    default:
      return JSON.stringify((event as { data: unknown }).data);
  }
}

export function webhooksPage(config: DemoConfig, events: readonly ReceivedEvent[], rejected: number): string {
  const rows = events
    .map(
      ({ event, receivedAt }) =>
        `<tr data-event="${escapeHtml(event.type)}" data-verified="true"><td>${escapeHtml(event.type)}</td><td>✔ verified</td><td>${escapeHtml(summary(event))}</td><td><code>${escapeHtml(event.id)}</code><br>${escapeHtml(receivedAt.toISOString())}</td></tr>`,
    )
    .join('\n');
  return layout(
    config,
    'Webhooks',
    `<h1>Webhooks received</h1>
<p>Deliveries whose Standard Webhooks signature verified with this app's secret. Rejected: <span data-field="rejected">${rejected}</span>.</p>
<table><thead><tr><th>Event</th><th>Signature</th><th>Data</th><th>Id, received</th></tr></thead>
<tbody>${rows || '<tr><td colspan="4">None yet.</td></tr>'}</tbody></table>`,
  );
}
