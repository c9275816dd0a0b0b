import { CSRF_FIELD } from '../../pages/csrf.js';
import { type Html, html } from '../../pages/html.js';

/** What the consent screen shows; built by consent-page.ts. */
export interface ConsentModel {
  csrf: string;
  app: { name: string; homepageUrl: string | null; trustLevel: string };
  scopes: Array<{ name: string; description: string }>;
  /** Where the browser goes afterwards (host only, for the person to recognise). */
  returnsTo: string;
  /** The authorization request, carried through the form unchanged. */
  params: Record<string, string>;
  identity: { slug: string; alias: string | null; existing: boolean; slugSignature?: string };
  signedInAs: string;
}

const TRUST_WORDS: Record<string, string> = {
  private: 'not published yet: its developer is still testing it',
  unverified: 'published, but Antara has not verified who runs it',
  verified: 'its developer proved they control its web domain',
};

export const trustWords = (level: string) => TRUST_WORDS[level] ?? 'trust level unknown';

function appHeader(app: ConsentModel['app']): Html {
  return html`<p class="lead">Trust: <span class="badge" data-field="trust">${app.trustLevel}</span>
<span class="muted">${trustWords(app.trustLevel)}.</span> <a href="/trust-model">How trust works</a></p>
${app.homepageUrl && html`<p class="muted">${app.homepageUrl}</p>`}`;
}

/** The consent screen: who asks, for what, and exactly which identity the app will receive. */
export function consentView(model: ConsentModel): Html {
  const { app, identity } = model;
  return html`<section class="card" aria-labelledby="consent-title">
<h1 id="consent-title">Allow ${app.name} to recognise you?</h1>
${appHeader(app)}
<h2>${app.name} will be able to</h2>
<ul data-field="scopes">${model.scopes.map((s) => html`<li>${s.description} <span class="muted">(${s.name})</span></li>`)}</ul>
<h2>What ${app.name} receives</h2>
<dl class="facts">
<dt>Your ID for this app</dt><dd data-field="slug">${identity.slug}</dd>
</dl>
<p class="muted">${
    identity.existing
      ? 'The same ID as before. You can rename or rotate it, or revoke this app, on your account page.'
      : 'A new random ID made only for this app. Other apps get different ones.'
  } Never your email, phone number or handle.</p>
<form method="post" action="/oauth/consent">
<input type="hidden" name="${CSRF_FIELD}" value="${model.csrf}">
${Object.entries(model.params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${identity.slugSignature && html`<input type="hidden" name="slug" value="${identity.slug}"><input type="hidden" name="slug_sig" value="${identity.slugSignature}">`}
<label for="alias">A name this app may call you <span class="hint">optional; only ${app.name} sees it</span></label>
<input id="alias" name="alias" type="text" maxlength="60" autocomplete="off" value="${identity.alias ?? ''}">
<div class="actions">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>
<p class="muted">Signed in as ${model.signedInAs}. Afterwards you go back to ${model.returnsTo}.</p>
</section>`;
}

/** Above the sign-in form when nobody is signed in: which app the sign-in is for. */
export function consentIntroView(app: ConsentModel['app']): Html {
  return html`<section class="card">
<h1>Sign in to continue to ${app.name}</h1>
${appHeader(app)}
<p>After you sign in, Antara asks you what ${app.name} may see. It never gets your email address.</p>
</section>`;
}
