import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import type { SigningKeyRepository, SigningKeyRow } from '../storage/repositories/signing-keys.js';

export const ID_TOKEN_ALG = 'ES256';

/** How many generations the JWKS publishes: the signing key and the one before it. */
const PUBLISHED_GENERATIONS = 2;
/** How long an instance signs with a key before looking for a newer generation. */
const CACHE_MS = 60_000;

/** A public EC P-256 key as published in the JWKS. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: string;
  use: string;
}

export interface SigningKey {
  kid: string;
  key: CryptoKey;
}

/**
 * The ES256 keys of id_tokens. The first is generated at first start and stored in the
 * database (private key included, as a JWK) so every instance signs with the same key.
 * `rotate()` adds a newer generation, which signs from then on; the previous one stays in
 * the JWKS so that id_tokens it signed still verify.
 */
export interface SigningKeys {
  /** Generates the first key unless one exists. Safe to call from many instances at once. */
  ensure(): Promise<void>;
  current(): Promise<SigningKey>;
  /** The public keys for `/.well-known/jwks.json`, newest first. */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Adds a new generation and returns its kid. */
  rotate(): Promise<string>;
}

export function createSigningKeys(deps: {
  keys: SigningKeyRepository;
  clock: Clock;
  random: Random;
}): SigningKeys {
  let cached: { key: SigningKey; loadedAt: number } | undefined;

  /** Stores a new key as `generation`; null when that generation exists already. */
  async function generate(generation: number): Promise<string | null> {
    const pair = await generateKeyPair(ID_TOKEN_ALG, { extractable: true });
    const kid = deps.random.bytes(12).toString('base64url');
    const base = { kid, alg: ID_TOKEN_ALG, use: 'sig' };
    const row: SigningKeyRow = {
      generation,
      kid,
      alg: ID_TOKEN_ALG,
      public_jwk: JSON.stringify({ ...(await exportJWK(pair.publicKey)), ...base }),
      private_jwk: JSON.stringify({ ...(await exportJWK(pair.privateKey)), ...base }),
      created_at: deps.clock.now(),
    };
    return (await deps.keys.insertIfAbsent(row)) ? kid : null;
  }

  async function newest(): Promise<SigningKeyRow | undefined> {
    return (await deps.keys.listNewest(1))[0];
  }

  return {
    async ensure() {
      if (!(await newest())) await generate(1);
    },

    async current() {
      const now = deps.clock.now();
      if (cached && now - cached.loadedAt < CACHE_MS) return cached.key;
      let row = await newest();
      if (!row) {
        await generate(1);
        row = await newest();
      }
      if (!row) throw new Error('no id_token signing key could be stored');
      if (cached?.key.kid !== row.kid) {
        const key = (await importJWK(JSON.parse(row.private_jwk) as JWK, ID_TOKEN_ALG)) as CryptoKey;
        cached = { key: { kid: row.kid, key }, loadedAt: now };
      } else {
        cached.loadedAt = now;
      }
      return cached.key;
    },

    async jwks() {
      const rows = await deps.keys.listNewest(PUBLISHED_GENERATIONS);
      return { keys: rows.map((row) => JSON.parse(row.public_jwk) as PublicJwk) };
    },

    async rotate() {
      for (;;) {
        const generation = ((await newest())?.generation ?? 0) + 1;
        // Lost a race with another instance rotating at the same moment: take the next number.
        const kid = await generate(generation);
        if (kid) {
          cached = undefined;
          return kid;
        }
      }
    },
  };
}
