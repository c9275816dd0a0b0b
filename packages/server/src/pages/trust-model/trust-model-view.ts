import { type Html, html } from '../html.js';

/**
 * The plain-words explanation of trust and moderation behind GET /trust-model (CONTRACT §8).
 * It says what Antara enforces today and nothing more.
 */
export function trustModelView(): Html {
  return html`<section class="card model">
<h1>How trust works at Antara</h1>
<p>Antara shows you who an app is before you approve it, and limits what an app may do when it
misbehaves. This page says what the labels mean and what each one changes.</p>

<h2>Apps: trust level</h2>
<dl>
<dt>private</dt><dd>A new app is private until it is published. Treat it like software from a stranger:
it gets nothing from Antara until you approve it, and even then only its own identity for you.</dd>
<dt>unverified</dt><dd>The app is published, but its owner has not proven the domain it runs on.</dd>
<dt>verified</dt><dd>The owner has proven control of the app's domain.</dd>
</dl>

<h2>Apps: trust score</h2>
<p>The published model adds a score to each app with its breakdown: a domain bonus, an age factor,
and penalties for reports and for behaviour such as refused or excessive messages. Antara records
the reports you make from your inbox for it; the score itself is not computed yet, so no score is
shown on the consent screen or the dashboard.</p>

<h2>Moderation states</h2>
<p>Apps and accounts carry one of four states. What each one changes today:</p>
<dl>
<dt>clean</dt><dd>Nothing stands against it.</dd>
<dt>warn</dt><dd>Its operator has been warned. Nothing is blocked yet.</dd>
<dt>restrict</dt><dd>An app under restriction may not send messages and may not receive new approvals;
identities people already gave it keep working until they revoke them.</dd>
<dt>disabled</dt><dd>An app's keys and tokens stop working at once. A disabled account cannot sign in
and its sessions end.</dd>
</dl>

<h2>You: trust level</h2>
<dl>
<dt>L0</dt><dd>An account whose email address is not verified.</dd>
<dt>L1</dt><dd>You proved your email address by signing in with a code or link. Apps see only this level
and whether you are verified, never the address.</dd>
<dt>L2</dt><dd>Reserved for stronger proof, such as a verified phone number; not offered yet.</dd>
</dl>

<h2>What apps never see</h2>
<p>Each app you approve gets its own identity for you: a user id, a slug and an alias you choose.
Apps never see your email address, your phone number, your account id or your primary handle, and
two apps cannot match the identities they got for you. You can rename an alias, rotate a slug or
revoke an app at any time from your account page.</p>
</section>`;
}
