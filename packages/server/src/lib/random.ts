import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** Source of entropy, passed in so tests can make it predictable where they need to. */
export interface Random {
  bytes(size: number): Buffer;
  uuid(): string;
  /** A uniformly random integer in [0, max). */
  int(max: number): number;
}

export const cryptoRandom: Random = {
  bytes: (size) => randomBytes(size),
  uuid: () => randomUUID(),
  int: (max) => randomInt(max),
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Unbiased base62 string. */
export function base62(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[random.int(62)];
  return out;
}

/** A string of decimal digits, leading zeros kept. */
export function digits(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(random.int(10));
  return out;
}
