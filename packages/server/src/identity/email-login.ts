import type { EmailStartResult } from '@antara/protocol';
import { AntaraError, rateLimited } from '../errors/antara-error.js';
import type { Clock } from '../lib/clock.js';
import { digits, type Random } from '../lib/random.js';
import type { Mailer } from '../mail/mailer.js';
import type { Repositories } from '../storage/repositories/index.js';
import type { UserRow } from '../storage/repositories/users.js';
import { constantTimeEqual, hashToken, keyedHash, mintToken } from '../tokens/opaque-token.js';
import { findOrCreateVerifiedAccount } from './accounts.js';
import { LOGIN } from './policy.js';
import { normalizeEmail } from './user-profile.js';

export interface EmailLoginDeps {
  repos: Repositories;
  clock: Clock;
  random: Random;
  mailer: Mailer;
  secret: string;
  publicUrl: string;
}

/** Prefix of the one-time code that `POST /auth/email/verify` hands to `POST /auth/exchange-code`. */
export const EXCHANGE_PREFIX = 'lc_';

export interface EmailLogin {
  /** Mails a code and a magic link; `next` (a path on this site) rides along on the link. */
  start(rawEmail: string, options?: { next?: string }): Promise<EmailStartResult>;
  /** Checks a 6-digit code and returns the one-time exchange code. */
  verifyCode(challengeId: string, code: string): Promise<{ code: string; user: UserRow }>;
  /**
   * Checks a 6-digit code typed into the site's own form and returns the account it signs in.
   * No exchange code is minted: the site sets its cookie session directly.
   */
  verifyCodeForSite(challengeId: string, code: string): Promise<UserRow>;
  /**
   * Whether a magic link is still good, without using it or counting an attempt, so that a
   * mail scanner fetching the link spends nothing. The address it would sign in, or null.
   */
  checkMagic(challengeId: string, token: string): Promise<{ email: string } | null>;
  /** Uses a magic-link token and returns the account it signs in. */
  verifyMagic(challengeId: string, token: string): Promise<UserRow>;
  /** Consumes an exchange code once. */
  consumeExchange(code: string): Promise<UserRow>;
}

export function createEmailLogin(deps: EmailLoginDeps): EmailLogin {
  const { repos, clock, random, mailer, secret } = deps;

  // Why one path for both proofs: the code and the magic link share the attempt budget.
  async function attempt(
    challengeId: string,
    matches: (row: { id: string; code_hash: string; magic_hash: string }) => boolean,
  ) {
    const now = clock.now();
    const row = await repos.emailChallenges.countAttempt(challengeId, now, LOGIN.maxAttempts);
    if (!row) {
      const existing = await repos.emailChallenges.findById(challengeId);
      if (
        existing &&
        existing.closed_at === null &&
        existing.expires_at > now &&
        existing.attempts >= LOGIN.maxAttempts
      ) {
        throw new AntaraError('challenge_locked');
      }
      throw new AntaraError('code_expired');
    }
    if (!matches(row)) {
      const left = LOGIN.maxAttempts - row.attempts;
      if (left <= 0) {
        await repos.emailChallenges.close(row.id, now);
        throw new AntaraError('challenge_locked');
      }
      throw new AntaraError(
        'invalid_code',
        `The code is wrong; ${left} attempt${left === 1 ? '' : 's'} left.`,
        {
          details: { attemptsLeft: left },
        },
      );
    }
    const user = await findOrCreateVerifiedAccount(repos.users, row.email, clock, random);
    if (user.moderation_state === 'disabled') throw new AntaraError('account_disabled');
    return { row, user, now };
  }

  // The site's code form and the magic link sign a browser in directly: no exchange code.
  async function verifyWithoutExchange(
    challengeId: string,
    matches: Parameters<typeof attempt>[1],
  ): Promise<UserRow> {
    const { row, user, now } = await attempt(challengeId, matches);
    const won = await repos.emailChallenges.markVerified(row.id, {
      userId: user.id,
      exchangeHash: null,
      exchangeExpiresAt: null,
      now,
    });
    if (!won) throw new AntaraError('code_expired');
    return user;
  }

  return {
    async start(rawEmail, options = {}) {
      const email = normalizeEmail(rawEmail);
      const now = clock.now();
      const newest = await repos.emailChallenges.findNewestByEmail(email);
      if (newest && now - newest.created_at < LOGIN.resendIntervalMs) {
        throw rateLimited((LOGIN.resendIntervalMs - (now - newest.created_at)) / 1000);
      }
      const id = random.uuid();
      const code = digits(random, 6);
      const magic = mintToken('', random);
      await repos.emailChallenges.insertReplacingOlder({
        id,
        email,
        code_hash: keyedHash(secret, id, code),
        magic_hash: magic.hash,
        attempts: 0,
        created_at: now,
        expires_at: now + LOGIN.codeTtlMs,
        closed_at: null,
        verified_at: null,
        user_id: null,
        exchange_hash: null,
        exchange_expires_at: null,
        exchanged_at: null,
      });
      const next = options.next ? `&next=${encodeURIComponent(options.next)}` : '';
      const link = `${deps.publicUrl}/auth/email/magic?challenge=${id}&token=${magic.token}${next}`;
      try {
        await mailer.send({
          to: email,
          subject: `Your Antara sign-in code: ${code}`,
          text: `Your Antara sign-in code is ${code}. It expires in 10 minutes.\n\nOr open this link to sign in: ${link}\n\nIf you did not ask for this, ignore this mail.`,
        });
      } catch (error) {
        await repos.emailChallenges.close(id, now);
        throw new AntaraError(
          'service_unavailable',
          'The sign-in mail could not be sent; try again shortly.',
          {
            details: { reason: (error as Error).message },
          },
        );
      }
      return {
        challengeId: id,
        expiresIn: LOGIN.codeTtlMs / 1000,
        resendAfter: LOGIN.resendIntervalMs / 1000,
      };
    },

    async verifyCode(challengeId, code) {
      const { row, user, now } = await attempt(challengeId, (r) =>
        constantTimeEqual(r.code_hash, keyedHash(secret, r.id, code)),
      );
      const exchange = mintToken(EXCHANGE_PREFIX, random);
      const won = await repos.emailChallenges.markVerified(row.id, {
        userId: user.id,
        exchangeHash: exchange.hash,
        exchangeExpiresAt: now + LOGIN.exchangeTtlMs,
        now,
      });
      if (!won) throw new AntaraError('code_expired');
      return { code: exchange.token, user };
    },

    verifyCodeForSite: (challengeId, code) =>
      verifyWithoutExchange(challengeId, (r) =>
        constantTimeEqual(r.code_hash, keyedHash(secret, r.id, code)),
      ),

    async checkMagic(challengeId, token) {
      const row = await repos.emailChallenges.findById(challengeId);
      const open =
        row !== undefined &&
        row.closed_at === null &&
        row.expires_at > clock.now() &&
        row.attempts < LOGIN.maxAttempts;
      return open && constantTimeEqual(row.magic_hash, hashToken(token)) ? { email: row.email } : null;
    },

    verifyMagic: (challengeId, token) =>
      verifyWithoutExchange(challengeId, (r) => constantTimeEqual(r.magic_hash, hashToken(token))),

    async consumeExchange(code) {
      const userId = await repos.emailChallenges.consumeExchange(hashToken(code), clock.now());
      const user = userId ? await repos.users.findById(userId) : undefined;
      if (!user)
        throw new AntaraError('invalid_grant', 'The sign-in code is invalid, expired or already used.');
      if (user.moderation_state === 'disabled') throw new AntaraError('account_disabled');
      return user;
    },
  };
}
