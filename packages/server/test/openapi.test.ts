import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../src/http/route-inventory.js';
import { type Harness, startHarness } from './support/harness.js';

interface Operation {
  summary?: string;
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: object }> };
  parameters?: Array<{ in: string; name: string; schema?: object }>;
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  components?: { securitySchemes?: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

/** `/dev/v1/apps/:appId` as OpenAPI writes it: `/dev/v1/apps/{appId}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('/openapi.json', () => {
  let h: Harness;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    h = await startHarness();
    const res = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => {
    await h?.close();
  });

  // HEAD is answered automatically for every GET, so it is not an operation of its own.
  const documentable = () =>
    registeredRoutes(h.app).filter((route) => route.method !== 'HEAD' && route.schema?.hide !== true);
  const operationOf = (route: { method: string; url: string }) =>
    doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];

  it('is an OpenAPI 3 document with the bearer scheme', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('Antara API');
    expect(doc.components?.securitySchemes?.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });

  it('lists every registered route that is not hidden, and nothing else', () => {
    const routes = documentable();
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((route) => !operationOf(route)).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    const expected = new Set(routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`));
    const listed = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(listed.filter((operation) => !expected.has(operation))).toEqual([]);
  });

  it('leaves out hidden routes: the pages and the document itself', () => {
    const hidden = registeredRoutes(h.app).filter((route) => route.schema?.hide === true);
    expect(hidden.map((r) => r.url)).toContain('/openapi.json');
    for (const route of hidden) expect(operationOf(route), `${route.method} ${route.url}`).toBeUndefined();
  });

  it('declares a response schema on every route, hidden ones and CORS preflights included', () => {
    const routes = registeredRoutes(h.app).filter((route) => route.method !== 'HEAD');
    const withoutResponse = routes.filter((route) => !route.schema?.response);
    expect(withoutResponse.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('gives every operation a summary, a tag and a response schema for its success status', () => {
    for (const route of documentable()) {
      const label = `${route.method} ${route.url}`;
      const operation = operationOf(route)!;
      expect(operation.summary, label).toEqual(expect.any(String));
      expect(operation.tags?.length, label).toBeGreaterThan(0);
      const success = Object.entries(operation.responses ?? {}).filter(([status]) =>
        /^[23]\d\d$/.test(status),
      );
      expect(success.length, `${label} has no 2xx/3xx response`).toBeGreaterThan(0);
      for (const [status, response] of success) {
        if (status === '204' || status.startsWith('3')) continue;
        expect(response.content?.['application/json']?.schema, `${label} ${status}`).toBeDefined();
      }
    }
  });

  it('documents the request: body schema, query and path parameters as the routes validate them', () => {
    for (const route of documentable()) {
      const label = `${route.method} ${route.url}`;
      const operation = operationOf(route)!;
      if (route.schema?.body) {
        const content = operation.requestBody?.content ?? {};
        expect(
          Object.values(content).some((media) => media.schema),
          label,
        ).toBe(true);
      }
      const parameters = operation.parameters ?? [];
      for (const name of [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1])) {
        expect(
          parameters.some((p) => p.in === 'path' && p.name === name),
          `${label} path ${name}`,
        ).toBe(true);
      }
      const query = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
      for (const name of Object.keys(query?.properties ?? {})) {
        expect(
          parameters.some((p) => p.in === 'query' && p.name === name),
          `${label} query ${name}`,
        ).toBe(true);
      }
    }
  });

  it('documents the sign-in endpoints with the field names clients rely on', () => {
    const start = doc.paths['/auth/email/start']?.post;
    expect(start?.requestBody?.content?.['application/json']?.schema).toMatchObject({
      required: ['email'],
      properties: { email: { type: 'string', format: 'email' } },
      additionalProperties: false,
    });
    expect(start?.responses?.['200']?.content?.['application/json']?.schema).toMatchObject({
      properties: { data: { properties: { challengeId: { type: 'string' } } }, meta: expect.any(Object) },
    });
    const verify = doc.paths['/auth/email/verify']?.post;
    expect(verify?.requestBody?.content?.['application/json']?.schema).toMatchObject({
      required: ['challengeId', 'code'],
    });
    const exchange = doc.paths['/auth/exchange-code']?.post;
    expect(exchange?.responses?.['200']?.content?.['application/json']?.schema).toMatchObject({
      properties: {
        data: { properties: { accessToken: { type: 'string' }, refreshToken: { type: 'string' } } },
      },
    });
  });
});
