import { SCOPES, type Scope } from '@antara/protocol';
import { type Alert, alertBox } from '../../pages/alert.js';
import { CSRF_FIELD } from '../../pages/csrf.js';
import { type Html, html } from '../../pages/html.js';

export interface ConnectedApp {
  appId: string;
  name: string;
  trustLevel: string;
  slug: string;
  alias: string | null;
  scopes: string[];
}

const scopeWords = (scope: string) => SCOPES[scope as Scope] ?? scope;

/** The "Connected apps" section of the account page: each app and the identity it knows. */
export function connectedAppsView({
  apps,
  csrf,
  alert,
}: {
  apps: ConnectedApp[];
  csrf: string;
  alert?: Alert;
}): Html {
  const csrfField = html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;
  return html`<section class="card" id="connected-apps" aria-labelledby="connected-apps-title">
<h2 id="connected-apps-title">Connected apps</h2>
<p class="lead">Each app knows you only by the ID below, never by your email or handle. Rotate an ID to give that app a new one, or disconnect the app to end everything it holds.</p>
${alertBox(alert)}
${apps.length === 0 ? html`<p class="muted" data-field="no-apps">You have not connected any app yet.</p>` : ''}
${apps.map(
  (app) => html`<article class="connected-app" data-app="${app.appId}">
<h3>${app.name} <span class="badge">${app.trustLevel}</span></h3>
<dl class="facts">
<dt>Your ID there</dt><dd data-field="slug">${app.slug}</dd>
<dt>It may</dt><dd data-field="scopes">${app.scopes.map(scopeWords).join('; ')}</dd>
</dl>
<form method="post" action="/account/apps/${app.appId}/alias">
${csrfField}
<label for="alias-${app.appId}">The name ${app.name} may call you</label>
<input id="alias-${app.appId}" name="alias" type="text" maxlength="60" value="${app.alias ?? ''}">
<button type="submit" class="secondary">Save name</button>
</form>
<div class="actions">
<form method="post" action="/account/apps/${app.appId}/rotate-slug">${csrfField}<button type="submit" class="secondary">Give ${app.name} a new ID</button></form>
<form method="post" action="/account/apps/${app.appId}/revoke">${csrfField}<button type="submit" class="secondary">Disconnect ${app.name}</button></form>
</div>
</article>`,
)}
</section>`;
}
