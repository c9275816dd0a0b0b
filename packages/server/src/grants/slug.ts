import { base62, type Random } from '../lib/random.js';

/** Length of a per-app slug: 14 base62 characters, about 83 bits (CONTRACT §1 asks for ≥ 12). */
export const SLUG_LENGTH = 14;

/** A fresh per-app slug. It is random, so it says nothing about the person or the app. */
export const newSlug = (random: Random): string => base62(random, SLUG_LENGTH);
