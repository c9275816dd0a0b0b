import type { AppContext } from '../context.js';
import { RETENTION_MS } from '../identity/policy.js';

/** Deletes sign-in challenges and sessions that can never be used again. */
export async function purgeExpired(ctx: AppContext): Promise<{ challenges: number; sessions: number }> {
  const before = ctx.clock.now() - RETENTION_MS;
  const challenges = await ctx.repos.emailChallenges.deleteExpired(before);
  const sessions = await ctx.repos.userSessions.deleteExpired(before);
  return { challenges, sessions };
}

/** Runs a job every `intervalMs` until stopped; a failing run is logged, never fatal. */
export function every(
  intervalMs: number,
  job: () => Promise<unknown>,
  onError: (error: unknown) => void,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    job()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
