/**
 * Redirect URIs of an app: what may be registered, and how a presented URI is matched.
 *
 * Registered: an absolute `https://` URL, or `http://` on a loopback host (`localhost`,
 * `127.0.0.1`, `[::1]`) for native and development apps (RFC 8252 §7.3); printable ASCII
 * only, no fragment (RFC 6749 §3.1.2), no wildcard, no user info.
 * Matched: by exact string (RFC 6749 §3.1.2.3, OAuth 2.0 Security BCP §4.1.3), except that
 * the port of a loopback URI may differ, because native apps listen on an ephemeral port
 * (RFC 8252 §7.3).
 */

export const MAX_REDIRECT_URI_LENGTH = 2000;
export const MAX_REDIRECT_URIS = 10;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
// http://<loopback host>[:port]<rest>, for comparing loopback URIs without their port.
const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?([/?].*)?$/;

/** Why `uri` cannot be registered as a redirect URI, or null when it can. */
export function redirectUriProblem(uri: string): string | null {
  if (uri.length === 0) return 'is empty';
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return `is longer than ${MAX_REDIRECT_URI_LENGTH} characters`;
  if (!PRINTABLE_ASCII.test(uri)) {
    return 'contains spaces, control or non-ASCII characters (percent-encode them)';
  }
  if (uri.includes('#')) return 'has a fragment (#…), which redirect URIs may not have';
  if (uri.includes('*')) return 'contains a wildcard (*); register each exact URI instead';
  // Why: browsers read a backslash as a slash in http(s) URLs, so what the string says and
  // where the browser goes could differ.
  if (uri.includes('\\')) return 'contains a backslash';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URL';
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?]/i.test(uri)) return 'is not an absolute URL with a host';
  if (url.username !== '' || url.password !== '') return 'contains user info (user:password@)';
  if (url.protocol === 'https:') return url.hostname === '' ? 'has no host' : null;
  if (url.protocol === 'http:') {
    // The host must be spelled as one of the loopback names, not merely resolve to one.
    return LOOPBACK_HOSTS.has(url.hostname) && LOOPBACK.test(uri)
      ? null
      : 'uses http:// on a host that is not loopback; use https:// (http:// is only for localhost, 127.0.0.1 and [::1])';
  }
  return `uses the scheme "${url.protocol}"; only https:// (and http:// on loopback) is allowed`;
}

/**
 * Whether `presented` is one of the `registered` redirect URIs: the exact same string, or a
 * loopback URI that differs from a registered one only in its port.
 */
export function redirectUriMatches(registered: readonly string[], presented: string): boolean {
  if (registered.includes(presented)) return true;
  const wanted = LOOPBACK.exec(presented);
  if (!wanted || Number(wanted[2] ?? 0) > 65535) return false;
  return registered.some((uri) => {
    const candidate = LOOPBACK.exec(uri);
    return candidate !== null && candidate[1] === wanted[1] && (candidate[3] ?? '') === (wanted[3] ?? '');
  });
}
