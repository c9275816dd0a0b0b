import { AntaraError } from './errors.js';

function cryptoApi(): Crypto {
  const api = globalThis.crypto;
  if (!api?.subtle || typeof api.getRandomValues !== 'function') {
    throw new AntaraError({
      code: 'crypto_unavailable',
      message: 'WebCrypto is unavailable: serve the page over https:// (or from localhost).',
    });
  }
  return api;
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes, base64url: 43 characters, within RFC 7636's 43..128 unreserved characters. */
export function randomToken(): string {
  return base64url(cryptoApi().getRandomValues(new Uint8Array(32)));
}

/** `BASE64URL(SHA256(ASCII(verifier)))`, RFC 7636 §4.2. */
export async function s256(verifier: string): Promise<string> {
  const digest = await cryptoApi().subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
