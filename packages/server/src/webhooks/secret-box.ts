import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals webhook signing secrets at rest. Unlike tokens they cannot be kept as hashes: every
 * delivery is signed with them. AES-256-GCM under a key derived (HKDF-SHA256) from the server
 * secret; the endpoint id is bound in as associated data, so a sealed value copied onto another
 * row does not open. Changing ANTARA_SECRET makes existing secrets unreadable (rotate them).
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** The plaintext, or throws when the value was tampered with or sealed under another key. */
  open(sealed: string, context: string): string;
}

const VERSION = 'v1';

export function createSecretBox(serverSecret: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, 'antara', 'webhook-signing-secrets/v1', 32));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, body, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed, context) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== VERSION || !iv || !body || !tag) throw new Error('not a sealed webhook secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
