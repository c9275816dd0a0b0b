import { Type } from 'typebox';
import { AntaraError } from '../errors/antara-error.js';

/**
 * Where to send a person after signing in: a path on this site only. It must start with
 * exactly one '/', and carries no backslash (browsers read `/\evil.com` as `//evil.com`),
 * no spaces or control characters, and no scheme, so it can never leave the origin.
 */
const SAFE_NEXT = /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/;

// Why the pattern is checked in code and not in the schema: the refusal is a page a
// person reads, so it says what is wrong in words rather than quoting a regular expression.
export const NextPathSchema = Type.String({
  maxLength: 2048,
  description: 'A path on this site to go to after signing in, such as /account',
});

/** The `next` parameter if it stays on this site; refuses (400) one that could leave it. */
export function safeNext(next: string | undefined): string | undefined {
  if (next === undefined || SAFE_NEXT.test(next)) return next;
  throw new AntaraError(
    'invalid_request',
    'The "next" address must be a path on this site, such as /account.',
  );
}

/** Where to go once signed in: the (checked) `next` path, else the account page. */
export function afterSignIn(next: string | undefined): string {
  return next !== undefined && SAFE_NEXT.test(next) ? next : '/account';
}
