/** Canonical scopes and what they let an app do, in words a person understands. */
export const SCOPES = {
  'identity.read': 'Recognise you with a stable per-app Antara ID',
  'messages.send': 'Send messages to your Antara inbox',
  'ai.chat': 'Use the gated Antara AI chat on your behalf',
  'profile.basic': 'See the alias and display name you choose for this app',
  openid: 'Sign you in with OpenID Connect',
} as const;

export type Scope = keyof typeof SCOPES;

/** Legacy names still accepted on input; responses always use the canonical name. */
export const SCOPE_ALIASES: Readonly<Record<string, Scope>> = Object.freeze({
  identify: 'identity.read',
  message: 'messages.send',
});

/** Scopes a user session (`uat_`) carries. */
export const USER_SESSION_SCOPES: readonly Scope[] = [
  'ai.chat',
  'identity.read',
  'messages.send',
  'profile.basic',
];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}

/**
 * Maps scope names (canonical or legacy) to sorted, de-duplicated canonical names.
 * Returns `null` when any name is unknown.
 */
export function canonicalScopes(names: readonly string[]): Scope[] | null {
  const out = new Set<Scope>();
  for (const name of names) {
    const scope = isScope(name) ? name : SCOPE_ALIASES[name];
    if (!scope) return null;
    out.add(scope);
  }
  return [...out].sort();
}

/** Splits an RFC 6749 space-separated scope string or passes an array through. */
export function scopeList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(' ').filter((s) => s.length > 0);
  return [...value];
}
