import { invalidRequest } from '../errors/antara-error.js';

/** Position in a newest-first list ordered by (created_at, id). */
export interface Cursor {
  createdAt: number;
  id: string;
}

/** An opaque `nextCursor` for the last row of a full page. */
export function encodeCursor(row: { created_at: number; id: string }): string {
  return Buffer.from(`${row.created_at}.${row.id}`).toString('base64url');
}

/** Reads a `cursor` query parameter; anything not made by encodeCursor is 400 invalid_request. */
export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) throw invalidRequest('The cursor is not one this list handed out.');
  return { createdAt: Number(match[1]), id: match[2] };
}

/** Splits `limit + 1` fetched rows into a page and the cursor of the next one. */
export function pageOf<T extends { created_at: number; id: string }>(
  rows: T[],
  limit: number,
): { page: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { page: rows, nextCursor: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: last ? encodeCursor(last) : null };
}
