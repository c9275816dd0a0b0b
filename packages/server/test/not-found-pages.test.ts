import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefersHtml } from '../src/http/accept.js';
import { type Harness, startHarness } from './support/harness.js';

const CHROME =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const FIREFOX = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('unknown paths and wrong methods', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const request = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, accept?: string) =>
    h.app.inject({ method, url, headers: accept === undefined ? {} : { accept } });

  it('shows a browser an HTML page for an unknown path, with the request id and the strict CSP', async () => {
    for (const accept of [CHROME, FIREFOX]) {
      const page = await request('GET', '/no/such/page', accept);
      expect(page.statusCode).toBe(404);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<h1>Page not found</h1>');
      expect(page.body).toContain('No route for GET /no/such/page.');
      expect(page.body).toContain(`Request ${page.headers['x-request-id']}`);
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['cache-control']).toBe('no-store');
    }
  });

  it('shows a browser an HTML page for a wrong method, still with the Allow header', async () => {
    const page = await request('GET', '/auth/email/start', CHROME);
    expect(page.statusCode).toBe(405);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers.allow).toBe('POST');
    expect(page.body).toContain('GET is not allowed on /auth/email/start.');
  });

  it('escapes the path it repeats on the page', async () => {
    // Browsers percent-encode < > and " in a path, but send ' and & as they are.
    const page = await request('GET', "/it's&amp;", CHROME);
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('No route for GET /it&#39;s&amp;amp;.');
  });

  it('keeps the JSON envelope for API clients: JSON, anything, or no Accept at all', async () => {
    for (const accept of [
      undefined,
      '*/*',
      'application/json',
      'application/json, text/plain, */*',
      'text/html;q=0.5, application/json',
    ]) {
      const missing = await request('GET', '/no/such/page', accept);
      expect(missing.statusCode, accept).toBe(404);
      expect(missing.headers['content-type'], accept).toMatch(/^application\/json/);
      expect(missing.json()).toEqual({
        error: { code: 'not_found', message: 'No route for GET /no/such/page.' },
        requestId: missing.headers['x-request-id'],
      });
      const wrong = await request('DELETE', '/me/v1/profile', accept);
      expect(wrong.statusCode, accept).toBe(405);
      expect(wrong.json().error.code).toBe('method_not_allowed');
      expect(wrong.headers.allow).toBe('GET, HEAD, PATCH');
    }
  });
});

describe('prefersHtml', () => {
  it('is true when text/html ranks above application/json, and a tie goes to JSON', () => {
    expect(prefersHtml(CHROME)).toBe(true);
    expect(prefersHtml(FIREFOX)).toBe(true);
    expect(prefersHtml('text/*')).toBe(true);
    expect(prefersHtml('text/html, application/json;q=0.9')).toBe(true);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('')).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('text/html, application/json')).toBe(false);
    expect(prefersHtml('text/html;q=0, */*')).toBe(false);
    expect(prefersHtml('TEXT/HTML;Q=0.2, application/*;q=0.5')).toBe(false);
    expect(prefersHtml('text/html;q=banana')).toBe(false);
  });
});
