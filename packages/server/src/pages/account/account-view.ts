import { type Alert, alertBox } from '../alert.js';
import { CSRF_FIELD } from '../csrf.js';
import { type Html, html } from '../html.js';
import type { AccountModel } from './account-presenter.js';

export interface AccountViewModel {
  account: AccountModel;
  csrf: string;
  /** What the profile form shows: the stored values, or what was just typed when it was refused. */
  form: { displayName: string; primarySlug: string };
  alert?: Alert;
}

export function accountView({ account, csrf, form, alert }: AccountViewModel): Html {
  const csrfField = html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;
  return html`<section class="card">
<h1>Your account</h1>
<p class="lead">Signed in as ${account.email}.</p>
<dl class="facts">
<dt>Primary handle</dt><dd data-field="handle">${account.handle}</dd>
<dt>Display name</dt><dd data-field="display-name">${account.displayName}</dd>
<dt>Trust level</dt><dd data-field="trust-level"><span class="badge">${account.trustLevel}</span> <span class="muted">${account.trustMeaning}</span></dd>
<dt>Email</dt><dd>${account.email} <span class="muted">${account.verified ? 'verified' : 'not verified'}</span></dd>
</dl>
</section>
<section class="card">
<h2>Change your profile</h2>
<p class="lead">Apps never see your email or your handle. Each app you approve gets its own identity for you.</p>
${alertBox(alert)}
<form method="post" action="/account/profile">
${csrfField}
<label for="displayName">Display name</label>
<input id="displayName" name="displayName" type="text" required maxlength="80" value="${form.displayName}">
<label for="primarySlug">Primary handle <span class="hint">3 to 32 lower-case letters, digits or hyphens</span></label>
<input id="primarySlug" name="primarySlug" type="text" required minlength="3" maxlength="32" pattern="[a-z0-9][a-z0-9\\-]{1,30}[a-z0-9]" autocapitalize="none" spellcheck="false" value="${form.primarySlug}">
<button type="submit">Save changes</button>
</form>
</section>`;
}
