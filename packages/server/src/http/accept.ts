/**
 * Whether an `Accept` header ranks `text/html` above `application/json` (RFC 9110 §12.5.1):
 * true for a browser navigating (`text/html,…,*∕*;q=0.8`), false for API clients, which send
 * `application/json`, `*∕*` or nothing. A tie goes to JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return quality(accept, 'text/html') > quality(accept, 'application/json');
}

/** The q-value the most specific matching range of `accept` gives `type` (0 when none does). */
function quality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = { specificity: -1, q: 0 };
  for (const range of accept.split(',')) {
    const [media = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const specificity = media === type ? 2 : media === `${major}/*` ? 1 : media === '*/*' ? 0 : -1;
    if (specificity < 0 || specificity < best.specificity) continue;
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
    const value = Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0;
    if (specificity > best.specificity || value > best.q) best = { specificity, q: value };
  }
  return best.q;
}
