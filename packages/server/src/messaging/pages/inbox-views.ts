import { type Alert, alertBox } from '../../pages/alert.js';
import { CSRF_FIELD } from '../../pages/csrf.js';
import { type Html, html } from '../../pages/html.js';
import type { InboxAppCount, MessageWithApp } from '../../storage/repositories/messages.js';
import { MESSAGING_DOMAIN, REPORT_REASONS } from '../policy.js';

const REASON_LABELS: Record<(typeof REPORT_REASONS)[number], string> = {
  spam: 'Spam or advertising',
  abuse: 'Abusive or harassing',
  phishing: 'Phishing or a scam',
  unwanted: 'I did not ask for this',
  other: 'Something else',
};

/** Times on the site are shown in UTC, to the minute. */
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A message's title: its subject, else the first line of its body, shortened. */
export function titleOf(message: MessageWithApp['message']): string {
  if (message.subject) return message.subject;
  const line = message.body.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

const senderName = (item: MessageWithApp) => item.appName ?? 'A deleted app';

function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;
}

export interface InboxListModel {
  csrf: string;
  apps: InboxAppCount[];
  mutedAppIds: ReadonlySet<string>;
  messages: MessageWithApp[];
  /** The app the list is filtered to, if any. */
  app?: { id: string; name: string };
  unreadOnly: boolean;
  olderHref: string | null;
  alert?: Alert;
}

function muteForm(csrf: string, app: { id: string; name: string }, muted: boolean): Html {
  return muted
    ? html`<form method="post" action="/inbox/apps/${app.id}/unmute">
${csrfField(csrf)}
<p>You muted ${app.name}: its messages to you are refused.</p>
<button type="submit" class="secondary" data-action="unmute">Unmute ${app.name}</button>
</form>`
    : html`<form method="post" action="/inbox/apps/${app.id}/mute">
${csrfField(csrf)}
<p>Muting refuses every further message from ${app.name}. You can unmute it at any time.</p>
<button type="submit" data-action="mute">Mute ${app.name}</button>
</form>`;
}

export function inboxListView(model: InboxListModel): Html {
  const totalUnread = model.apps.reduce((sum, a) => sum + a.unread, 0);
  const base = model.app ? `/inbox?app=${model.app.id}` : '/inbox';
  const unreadToggle = model.unreadOnly
    ? html`<a href="${base}">Show all messages</a>`
    : html`<a href="${base}${model.app ? '&' : '?'}unread=1">Show unread only</a>`;
  return html`<section class="card">
<h1>${model.app ? html`Messages from ${model.app.name}` : 'Inbox'}</h1>
${alertBox(model.alert)}
<nav class="inbox-apps" aria-label="Apps that sent you messages">
<a href="/inbox"${model.app ? '' : html` aria-current="page"`}>All apps${totalUnread > 0 && html` <span class="badge">${totalUnread} unread</span>`}</a>
${model.apps.map(
  (a) =>
    html`<a href="/inbox?app=${a.appId}" data-app-id="${a.appId}"${model.app?.id === a.appId ? html` aria-current="page"` : ''}>${a.appName}${a.unread > 0 && html` <span class="badge">${a.unread} unread</span>`}${model.mutedAppIds.has(a.appId) && html` <span class="muted">(muted)</span>`}</a>`,
)}
</nav>
<p>${unreadToggle}</p>
${
  model.messages.length === 0
    ? html`<p class="muted" data-empty="inbox">No messages${model.unreadOnly ? ' unread' : ''}.</p>`
    : html`<ul class="message-list">
${model.messages.map(
  (
    item,
  ) => html`<li class="${item.message.read_at === null ? 'message-item unread' : 'message-item'}" data-message-id="${item.message.id}">
<a href="/inbox/messages/${item.message.id}">${titleOf(item.message)}</a>
<span class="muted">${senderName(item)} · ${when(item.message.created_at)}${item.message.read_at === null && ' · unread'}</span>
</li>`,
)}
</ul>`
}
${model.olderHref && html`<p><a href="${model.olderHref}" rel="next">Older messages</a></p>`}
</section>
${model.app && html`<section class="card"><h2>${model.mutedAppIds.has(model.app.id) ? 'Muted' : 'Mute'} ${model.app.name}</h2>${muteForm(model.csrf, model.app, model.mutedAppIds.has(model.app.id))}</section>`}`;
}

export interface MessageModel {
  csrf: string;
  item: MessageWithApp;
  muted: boolean;
  reported: boolean;
  alert?: Alert;
}

export function messageView({ csrf, item, muted, reported, alert }: MessageModel): Html {
  const { message } = item;
  const app = message.app_id && item.appName ? { id: message.app_id, name: item.appName } : undefined;
  return html`<section class="card">
<p><a href="/inbox">← Inbox</a>${app && html` · <a href="/inbox?app=${app.id}">${app.name}</a>`}</p>
${alertBox(alert)}
<h1 data-field="title">${titleOf(message)}</h1>
<dl class="facts">
<dt>From</dt><dd data-field="from">${senderName(item)}</dd>
<dt>To</dt><dd>${message.slug}@${MESSAGING_DOMAIN}</dd>
<dt>Received</dt><dd>${when(message.created_at)}</dd>
</dl>
<div class="message-body" data-field="body">${message.body}</div>
<div class="actions">
<form method="post" action="/inbox/messages/${message.id}/unread">
${csrfField(csrf)}
<button type="submit" class="secondary">Mark unread</button>
</form>
<form method="post" action="/inbox/messages/${message.id}/delete">
${csrfField(csrf)}
<button type="submit" class="secondary">Delete</button>
</form>
</div>
</section>
${app && html`<section class="card"><h2>${muted ? 'Muted' : 'Mute'} ${app.name}</h2>${muteForm(csrf, app, muted)}</section>`}
<section class="card">
<h2>Report this message</h2>
${
  reported
    ? html`<p data-field="reported">You reported this message. Thank you: reports count against the sender's trust score.</p>`
    : html`<form method="post" action="/inbox/messages/${message.id}/report">
${csrfField(csrf)}
<label for="reason">What is wrong with it?</label>
<select id="reason" name="reason" required>
${REPORT_REASONS.map((reason) => html`<option value="${reason}">${REASON_LABELS[reason]}</option>`)}
</select>
<label for="note">Anything else <span class="hint">optional</span></label>
<input id="note" name="note" type="text" maxlength="1000">
<button type="submit" data-action="report">Report</button>
</form>`
}
</section>`;
}
