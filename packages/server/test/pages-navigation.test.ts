import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { type Harness, startHarness } from './support/harness.js';
import { signInOnSite, siteClient } from './support/site-client.js';

/** The header navigation of a page, or undefined when it has none. */
const navOf = (page: string) => /<nav class="site-nav"[\s\S]*?<\/nav>/.exec(page)?.[0];

eachDialect('the site: navigation between the signed-in pages', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => h.clock.advance(11 * 60_000));

  it('links the account page to the inbox, and the inbox back to the account page', async () => {
    const browser = siteClient(h);
    const account = await signInOnSite(h, browser, 'walker@example.com');
    expect(account.statusCode).toBe(200);
    const accountNav = navOf(account.body);
    expect(accountNav).toContain('<a href="/inbox">Inbox</a>');
    expect(accountNav).toContain('<a href="/account" aria-current="page">Account</a>');

    const inbox = await browser.get('/inbox');
    expect(inbox.statusCode).toBe(200);
    const inboxNav = navOf(inbox.body);
    expect(inboxNav).toContain('<a href="/account">Account</a>');
    expect(inboxNav).toContain('<a href="/inbox" aria-current="page">Inbox</a>');
  });

  it('signs out from the header of the inbox page with the CSRF token it carries', async () => {
    const browser = siteClient(h);
    await signInOnSite(h, browser, 'inbox-leaver@example.com');
    const inbox = await browser.get('/inbox');
    const nav = navOf(inbox.body)!;
    expect(nav).toContain('<form method="post" action="/sign-out">');
    const token = /name="_csrf" value="([^"]+)"/.exec(nav)?.[1];
    expect(token).toBeTypeOf('string');

    const out = await browser.post('/sign-out', { _csrf: token! });
    expect(out.statusCode).toBe(303);
    expect(browser.cookies.has('antara_session')).toBe(false);
    const after = await browser.get('/inbox');
    expect(after.statusCode).toBe(303);
  });

  it('shows no navigation to someone signed out', async () => {
    const page = await siteClient(h).get('/');
    expect(page.statusCode).toBe(200);
    expect(navOf(page.body)).toBeUndefined();
  });
});
