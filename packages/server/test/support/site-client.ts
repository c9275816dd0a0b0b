import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from './harness.js';

/**
 * A minimal browser over `app.inject` for the server-rendered site: it keeps cookies,
 * posts forms url-encoded, and reads hidden fields out of the last page.
 */
export interface SiteClient {
  cookies: Map<string, string>;
  get(url: string): Promise<LightMyRequestResponse>;
  /** Posts a form; `_csrf` is taken from the last page unless given. */
  post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse>;
  /** A hidden or text field's value in the last page. */
  field(name: string): string;
  lastPage: string;
}

export function siteClient(h: Harness): SiteClient {
  const cookies = new Map<string, string>();
  const client: SiteClient = {
    cookies,
    lastPage: '',
    get: (url) => send({ method: 'GET', url }),
    post: (url, fields) => {
      const withToken = '_csrf' in fields ? fields : { _csrf: client.field('_csrf'), ...fields };
      return send({
        method: 'POST',
        url,
        payload: new URLSearchParams(withToken).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    },
    field(name) {
      const match = new RegExp(`name="${name}"[^>]*? value="([^"]*)"`).exec(client.lastPage);
      if (!match) throw new Error(`no field ${name} in the last page`);
      return unescapeHtml(match[1]!);
    },
  };

  async function send(request: {
    method: 'GET' | 'POST';
    url: string;
    payload?: string;
    headers?: Record<string, string>;
  }) {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await h.app.inject({
      ...request,
      headers: { ...request.headers, ...(cookie ? { cookie } : {}) },
    });
    for (const set of response.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
      if (set.value === '' || set.maxAge === 0) cookies.delete(set.name);
      else cookies.set(set.name, set.value);
    }
    if (String(response.headers['content-type'] ?? '').startsWith('text/html'))
      client.lastPage = response.body;
    return response;
  }

  return client;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** The 6-digit code and the magic link in the newest captured mail to an address. */
export function lastSignInMail(h: Harness, email: string): { code: string; magicPath: string } {
  const mail = [...h.outbox].reverse().find((m) => m.to === email.toLowerCase());
  const code = mail && /sign-in code is (\d{6})/.exec(mail.text)?.[1];
  const link = mail && /(https?:\/\/\S+\/auth\/email\/magic\?\S+)/.exec(mail.text)?.[1];
  if (!code || !link) throw new Error(`no sign-in mail to ${email}`);
  const url = new URL(link);
  return { code, magicPath: url.pathname + url.search };
}

/** Signs a client in through the site's forms and returns the account page response. */
export async function signInOnSite(h: Harness, client: SiteClient, email: string) {
  await client.get('/');
  await client.post('/sign-in', { email });
  const verify = await client.post('/sign-in/verify', {
    challengeId: client.field('challengeId'),
    email,
    code: lastSignInMail(h, email).code,
  });
  if (verify.statusCode !== 303) throw new Error(`sign-in failed: ${verify.statusCode} ${verify.body}`);
  return client.get(verify.headers.location as string);
}

/**
 * Signs a client in through the link in the mail: asks for a code on the site, opens the link
 * (the "Sign in as …?" page) and presses the button. Returns the answer to that button.
 */
export async function signInByMagicLink(h: Harness, client: SiteClient, email: string, next?: string) {
  await client.get(next === undefined ? '/' : `/?next=${encodeURIComponent(next)}`);
  await client.post('/sign-in', next === undefined ? { email } : { email, next });
  const page = await client.get(lastSignInMail(h, email).magicPath);
  if (page.statusCode !== 200) throw new Error(`magic link refused: ${page.statusCode} ${page.body}`);
  const fields = { challenge: client.field('challenge'), token: client.field('token') };
  return client.post(
    '/auth/email/magic',
    next === undefined ? fields : { ...fields, next: client.field('next') },
  );
}
