import type { AppContext } from '../../context.js';
import { newSlug, SLUG_LENGTH } from '../../grants/slug.js';
import { constantTimeEqual, keyedHash } from '../../tokens/opaque-token.js';

const SLUG = new RegExp(`^[0-9A-Za-z]{${SLUG_LENGTH}}$`);
const sign = (ctx: AppContext, accountId: string, appId: string, slug: string) =>
  keyedHash(ctx.secret, 'consent-slug', accountId, appId, slug);

/**
 * The slug a first consent screen shows, so that the person sees the very identity the app
 * will get. It is signed for this person and app: the form cannot choose its own slug.
 */
export function previewSlug(ctx: AppContext, accountId: string, appId: string) {
  const slug = newSlug(ctx.random);
  return { slug, signature: sign(ctx, accountId, appId, slug) };
}

/** The previewed slug when its signature holds; otherwise undefined (a fresh one is made). */
export function checkedPreviewSlug(
  ctx: AppContext,
  accountId: string,
  appId: string,
  slug: string | undefined,
  signature: string | undefined,
): string | undefined {
  if (!slug || !signature || !SLUG.test(slug)) return undefined;
  return constantTimeEqual(signature, sign(ctx, accountId, appId, slug)) ? slug : undefined;
}
