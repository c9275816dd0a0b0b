import { afterAll, beforeAll, expect, it } from 'vitest';
import { eachDialect } from './support/dialects.js';
import { type Harness, startHarness } from './support/harness.js';
import { signInOnSite, siteClient } from './support/site-client.js';

eachDialect('the trust model page', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('explains app trust levels, the score breakdown, moderation states and the person’s levels to anyone', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/trust-model', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    for (const term of [
      'private',
      'unverified',
      'verified',
      'clean',
      'warn',
      'restrict',
      'disabled',
      'L0',
      'L1',
      'L2',
    ]) {
      expect(page.body).toContain(`<dt>${term}</dt>`);
    }
    for (const factor of ['domain bonus', 'age factor', 'penalties for reports'])
      expect(page.body).toContain(factor);
    expect(page.body).not.toContain('class="site-nav"');
  });

  it('shows the signed-in navigation to a person signed in on the site', async () => {
    const client = siteClient(h);
    await signInOnSite(h, client, 'trust.reader@example.com');
    const page = await client.get('/trust-model');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('class="site-nav"');
    expect(page.body).toContain('href="/inbox"');
  });
});
