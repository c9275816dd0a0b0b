import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Type } from 'typebox';
import type { TypedApp } from '../http/typed-app.js';

const STYLESHEET = readFileSync(new URL('./assets/site.css', import.meta.url), 'utf8');
const VERSION = createHash('sha256').update(STYLESHEET).digest('hex').slice(0, 12);

/** The stylesheet URL carries a content hash, so it can be cached for a year and still change. */
export const STYLESHEET_HREF = `/assets/site.css?v=${VERSION}`;

export function registerAssetRoutes(app: TypedApp): void {
  app.get(
    '/assets/site.css',
    {
      config: { errorDialect: 'html' },
      schema: {
        hide: true,
        querystring: Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: Type.String() },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(STYLESHEET),
  );
}
