import type { AppContext } from '../context.js';
import { RETENTION_MS } from '../identity/policy.js';

/**
 * Deletes what can never be used again: sign-in challenges and their exchange codes, user
 * sessions, app tokens, OAuth codes and tokens (each kept RETENTION_MS past its end, so that a
 * late replay is still recognised), OAuth token families once revoked or once every token they
 * issued expired (again RETENTION_MS later), and Idempotency-Key records past their 24 hours (a key is
 * free for a new message once its record expired).
 */
export async function purgeExpired(ctx: AppContext): Promise<{
  challenges: number;
  sessions: number;
  appTokens: number;
  oauthCodes: number;
  oauthTokens: number;
  oauthFamilies: number;
  idempotencyKeys: number;
}> {
  const before = ctx.clock.now() - RETENTION_MS;
  const challenges = await ctx.repos.emailChallenges.deleteExpired(before);
  const sessions = await ctx.repos.userSessions.deleteExpired(before);
  const appTokens = await ctx.repos.appTokens.deleteExpired(before);
  const oauthCodes = await ctx.repos.oauthCodes.deleteExpired(before);
  const oauthTokens = await ctx.repos.oauthTokens.deleteExpired(before);
  const oauthFamilies = await ctx.repos.oauthTokens.deleteFinishedFamilies(before);
  const idempotencyKeys = await ctx.repos.idempotencyKeys.deleteExpired(ctx.clock.now());
  return { challenges, sessions, appTokens, oauthCodes, oauthTokens, oauthFamilies, idempotencyKeys };
}

/**
 * Runs a job at once and then every `intervalMs` until stopped. A failing run is reported to
 * `onError`, never fatal; a run still going at the next tick is not doubled. Why a first run
 * at once: a server restarted more often than the interval would otherwise never run the job.
 * The returned `stop()` resolves once a run in progress has finished, so that storage can be
 * closed after it.
 */
export function every(
  intervalMs: number,
  job: () => Promise<unknown>,
  onError: (error: unknown) => void,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = job()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
