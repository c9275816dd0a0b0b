import { invalidRequest } from '../errors/antara-error.js';
import { MESSAGE_LIMITS, MESSAGING_DOMAIN } from './policy.js';

/** A slug as grants and capability tokens mint them: base62, 12 to 64 characters. */
const SLUG = /^[A-Za-z0-9]{12,64}$/;
const DOMAIN_SUFFIX = `@${MESSAGING_DOMAIN}`;

// Plain text: any character but C0/C1 controls other than tab, line feed and carriage return;
// lone UTF-16 surrogates cannot be stored as UTF-8 and are refused too.
const BODY_FORBIDDEN = /(?![\t\n\r])\p{Cc}|\p{Cs}/u;
// A subject is one line.
const SUBJECT_FORBIDDEN = /\p{Cc}|\p{Cs}/u;

export interface SendBody {
  slug?: string;
  to?: string;
  subject?: string | null;
  body: string;
}

/** What is sent, in canonical form: the address reduced to its slug, no subject as null. */
export interface MessageContent {
  slug: string;
  subject: string | null;
  body: string;
}

/**
 * The recipient slug of `{slug}` or `{to: "<slug>@useantara.com"}` (exactly one of them).
 * The domain is matched without regard to case; the slug is case-sensitive.
 */
export function recipientSlug(input: Pick<SendBody, 'slug' | 'to'>): string {
  if (input.slug !== undefined && input.to !== undefined) {
    throw invalidRequest('Send either "slug" or "to", not both.');
  }
  if (input.slug !== undefined) {
    if (!SLUG.test(input.slug)) {
      throw invalidRequest('"slug" must be the 12 to 64 letters and digits an app received for the person.');
    }
    return input.slug;
  }
  if (input.to !== undefined) {
    const at = input.to.lastIndexOf('@');
    const local = at > 0 ? input.to.slice(0, at) : '';
    if (at <= 0 || input.to.slice(at).toLowerCase() !== DOMAIN_SUFFIX) {
      throw invalidRequest(`"to" must be an address of the form <slug>${DOMAIN_SUFFIX}.`);
    }
    if (!SLUG.test(local)) throw invalidRequest(`"to" must be <slug>${DOMAIN_SUFFIX} with a valid slug.`);
    return local;
  }
  throw invalidRequest(`Name the recipient: "slug", or "to" as <slug>${DOMAIN_SUFFIX}.`);
}

const codePoints = (text: string) => [...text].length;

/** Checks and canonicalises a send request's content; refusals are 400 invalid_request. */
export function messageContent(input: SendBody): MessageContent {
  const slug = recipientSlug(input);
  const { body } = input;
  if (body.trim().length === 0) throw invalidRequest('"body" is empty; send the text of the message.');
  if (codePoints(body) > MESSAGE_LIMITS.bodyMaxLength) {
    throw invalidRequest(`"body" is longer than ${MESSAGE_LIMITS.bodyMaxLength} characters.`);
  }
  if (BODY_FORBIDDEN.test(body)) {
    throw invalidRequest(
      '"body" is plain text: control characters other than tab and line breaks are refused.',
    );
  }
  let subject = input.subject ?? null;
  if (subject !== null) {
    if (codePoints(subject) > MESSAGE_LIMITS.subjectMaxLength) {
      throw invalidRequest(`"subject" is longer than ${MESSAGE_LIMITS.subjectMaxLength} characters.`);
    }
    if (SUBJECT_FORBIDDEN.test(subject)) {
      throw invalidRequest('"subject" is one line of plain text, without control characters.');
    }
    // A blank subject is no subject.
    if (subject.trim().length === 0) subject = null;
  }
  return { slug, subject, body };
}
