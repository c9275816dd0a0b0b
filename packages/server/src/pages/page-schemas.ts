import { Type } from 'typebox';

/**
 * Shared schema parts of the site's routes. Pages are not part of the API contract, so
 * they stay out of /openapi.json; their request schemas still validate every input.
 */
export const PAGE = { tags: ['site'], hide: true } as const;

const HtmlPage = Type.String({ description: 'An HTML page' });
const SeeOther = Type.Null({ description: 'See Other: the Location header says where to go' });

export const PAGE_RESPONSE = { 200: HtmlPage };
export const REDIRECT_RESPONSE = { 303: SeeOther };
export const PAGE_OR_REDIRECT = { 200: HtmlPage, 303: SeeOther };
