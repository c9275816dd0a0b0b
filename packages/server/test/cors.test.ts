import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSS_ORIGIN_PATHS } from '../src/http/cors.js';
import { type Harness, startHarness } from './support/harness.js';

describe('CORS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const preflight = (url: string) =>
    h.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it('answers preflights of the public-client endpoints for any origin, without credentials', async () => {
    for (const path of CROSS_ORIGIN_PATHS) {
      const res = await preflight(path);
      expect(res.statusCode, path).toBe(204);
      expect(res.body).toBe('');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toBe('GET, POST');
      expect(res.headers['access-control-allow-headers']).toContain('content-type');
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('lets any origin read the answers of those endpoints, request id and rate-limit headers included', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/.well-known/openid-configuration',
      headers: { origin: 'https://app.example' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toContain('x-request-id');
    expect(res.headers['access-control-expose-headers']).toContain('retry-after');
  });

  it('opens nothing else to other origins: the sign-in and profile endpoints carry no CORS headers', async () => {
    for (const path of ['/auth/email/start', '/me/v1/profile', '/auth/introspect']) {
      const res = await preflight(path);
      expect(res.statusCode, path).toBe(405);
      expect(res.headers['access-control-allow-origin'], path).toBeUndefined();
    }
    const start = await h.app.inject({
      method: 'POST',
      url: '/auth/email/start',
      payload: { email: 'cors@example.com' },
      headers: { origin: 'https://app.example' },
    });
    expect(start.statusCode).toBe(200);
    expect(start.headers['access-control-allow-origin']).toBeUndefined();
  });
});
