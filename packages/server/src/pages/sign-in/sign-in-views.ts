import { LOGIN } from '../../identity/policy.js';
import { type Alert, alertBox } from '../alert.js';
import { CSRF_FIELD } from '../csrf.js';
import { type Html, html } from '../html.js';

export interface EmailFormModel {
  csrf: string;
  email?: string;
  next?: string;
  alert?: Alert;
}

export interface CodeFormModel {
  csrf: string;
  challengeId: string;
  email: string;
  next?: string;
  alert?: Alert;
}

const hiddenNext = (next: string | undefined) =>
  next !== undefined && html`<input type="hidden" name="next" value="${next}">`;

/** Step 1: the address to mail a code to. Signing in the first time creates the account. */
export function emailForm({ csrf, email, next, alert }: EmailFormModel): Html {
  return html`<section class="card">
<h1>Sign in to Antara</h1>
<p class="lead">Type your email address and we will mail you a 6-digit code and a sign-in link. New here? The same step creates your account.</p>
${alertBox(alert)}
<form method="post" action="/sign-in">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
${hiddenNext(next)}
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${email ?? ''}" autofocus>
<button type="submit">Send me a code</button>
</form>
</section>`;
}

/** Step 2: the code from the mail. */
export function codeForm({ csrf, challengeId, email, next, alert }: CodeFormModel): Html {
  const startOver = next === undefined ? '/' : `/?next=${encodeURIComponent(next)}`;
  return html`<section class="card">
<h1>Check your mail</h1>
<p class="lead">We sent a 6-digit code to <strong>${email}</strong>. Type it below within ${LOGIN.codeTtlMs / 60_000} minutes, or open the sign-in link in the same mail.</p>
${alertBox(alert)}
<form method="post" action="/sign-in/verify">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<input type="hidden" name="challengeId" value="${challengeId}">
<input type="hidden" name="email" value="${email}">
${hiddenNext(next)}
<label for="code">Sign-in code</label>
<input id="code" class="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
<button type="submit">Sign in</button>
</form>
<p><a href="${startOver}">Use a different address</a></p>
</section>`;
}

export interface MagicConfirmModel {
  csrf: string;
  challengeId: string;
  token: string;
  email: string;
  next?: string;
}

/**
 * The page behind the link in the mail. Opening the link signs no one in: mail scanners
 * (Safe Links and the like) fetch links before the person does, so only the button does.
 */
export function magicConfirm({ csrf, challengeId, token, email, next }: MagicConfirmModel): Html {
  return html`<section class="card">
<h1>Sign in to Antara</h1>
<p class="lead">Sign in as <strong>${email}</strong>?</p>
<form method="post" action="/auth/email/magic">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<input type="hidden" name="challenge" value="${challengeId}">
<input type="hidden" name="token" value="${token}">
${hiddenNext(next)}
<button type="submit">Sign in</button>
</form>
<p>Did not ask to sign in? Close this page: nothing happens until the button is pressed.</p>
</section>`;
}
