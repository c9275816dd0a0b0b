import { createHash, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RETENTION_MS } from '../src/identity/policy.js';
import { every, purgeExpired } from '../src/jobs/purge-expired.js';
import { type Served, startServe } from './support/antara-process.js';
import { appWithKey, developer } from './support/apps.js';
import { eachDialect } from './support/dialects.js';
import { type Harness, lastCodeFor, signIn, startHarness } from './support/harness.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

eachDialect('housekeeping: the purge job', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(async () => {
    await h?.close();
  });

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url, payload, headers });
  const ids = async (table: 'email_challenges' | 'user_sessions' | 'app_tokens') =>
    (await h.ctx.storage.db.selectFrom(table).select('id').execute()).map((row) => row.id).sort();
  const count = async (table: 'oauth_codes' | 'oauth_access_tokens' | 'oauth_refresh_tokens') =>
    (await h.ctx.storage.db.selectFrom(table).select('id').execute()).length;

  it('removes sign-in challenges and exchange codes a day after they expired, and keeps the rest', async () => {
    // One challenge left unanswered, one verified but never exchanged, one used fully.
    const unanswered = (await post('/auth/email/start', { email: 'idle@example.com' })).json().data
      .challengeId;
    const verifiedOnly = (await post('/auth/email/start', { email: 'half@example.com' })).json().data
      .challengeId;
    await post('/auth/email/verify', { challengeId: verifiedOnly, code: lastCodeFor(h, 'half@example.com') });
    await signIn(h, 'full@example.com');
    expect(await ids('email_challenges')).toHaveLength(3);

    h.clock.advance(10 * MINUTE + RETENTION_MS - MINUTE);
    const fresh = (await post('/auth/email/start', { email: 'fresh@example.com' })).json().data.challengeId;
    await purgeExpired(h.ctx);
    expect(await ids('email_challenges')).toHaveLength(4);

    h.clock.advance(2 * MINUTE);
    const purged = await purgeExpired(h.ctx);
    expect(purged.challenges).toBe(3);
    expect(await ids('email_challenges')).toEqual([fresh]);
    expect(await h.ctx.repos.emailChallenges.findById(unanswered)).toBeUndefined();
  });

  it('removes user sessions a day after they were revoked or their refresh token expired', async () => {
    const started = h.clock.now();
    const kept = await signIn(h, 'kept@example.com');
    const loggedOut = await signIn(h, 'leaver@example.com');
    await post('/auth/logout', {}, { authorization: `Bearer ${loggedOut.accessToken}` });
    expect(await ids('user_sessions')).toHaveLength(2);

    // The revoked session goes a day after logout; the other is still refreshable.
    h.clock.advance(RETENTION_MS + MINUTE);
    expect((await purgeExpired(h.ctx)).sessions).toBe(1);
    const [live] = await ids('user_sessions');
    expect((await post('/auth/refresh', { refreshToken: kept.refreshToken })).statusCode).toBe(200);

    // Refreshing rotates the tokens but keeps the 30-day end; a day after it the row goes.
    h.clock.set(started + 30 * DAY + RETENTION_MS - MINUTE);
    await purgeExpired(h.ctx);
    expect(await ids('user_sessions')).toEqual([live]);
    h.clock.advance(2 * MINUTE);
    expect((await purgeExpired(h.ctx)).sessions).toBe(1);
    expect(await ids('user_sessions')).toEqual([]);
  });

  it('removes aat_ app tokens a day after they expired', async () => {
    const dev = await developer(h, 'dev@example.com');
    const { key } = await appWithKey(dev);
    const first = await post('/auth/token/exchange', { apiKey: key.apiKey });
    expect(first.statusCode).toBe(200);
    h.clock.advance(RETENTION_MS);
    const second = await post('/auth/token/exchange', { apiKey: key.apiKey });
    expect(second.statusCode).toBe(200);
    expect(await ids('app_tokens')).toHaveLength(2);

    h.clock.advance(10 * MINUTE + 1);
    expect((await purgeExpired(h.ctx)).appTokens).toBe(1);
    const [left] = await h.ctx.storage.db.selectFrom('app_tokens').select('expires_at').execute();
    expect(left?.expires_at).toBeGreaterThan(h.clock.now() - RETENTION_MS);
  });

  it('removes OAuth codes and tokens a day after they expired', async () => {
    const dev = await developer(h, 'oauth-dev@example.com');
    const { app } = await appWithKey(dev);
    const verifier = randomBytes(32).toString('base64url');
    const consent = await post(
      '/oauth/consent',
      {
        client_id: app.appId,
        redirect_uri: 'https://parcel.example/callback',
        response_type: 'code',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: 'st',
        scope: 'identity.read',
        decision: 'approve',
      },
      dev.auth,
    );
    expect(consent.statusCode, consent.body).toBe(200);
    const code = new URL(consent.json().data.redirectTo).searchParams.get('code')!;
    const token = await h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'https://parcel.example/callback',
        client_id: app.appId,
        code_verifier: verifier,
      }).toString(),
    });
    expect(token.statusCode, token.body).toBe(200);
    expect(await count('oauth_codes')).toBe(1);
    expect(await count('oauth_access_tokens')).toBe(1);

    // A day past the code's and the access token's end: both go, the refresh token stays.
    h.clock.advance(RETENTION_MS + 11 * MINUTE);
    const purged = await purgeExpired(h.ctx);
    expect(purged.oauthCodes).toBe(1);
    expect(await count('oauth_codes')).toBe(0);
    expect(await count('oauth_access_tokens')).toBe(0);
    expect(await count('oauth_refresh_tokens')).toBe(1);
  });
});

describe('the periodic runner', () => {
  it('runs a job on every tick, never two runs at once, survives a failure, and stops', async () => {
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const failures: unknown[] = [];
    let reachedFour!: () => void;
    const fourRuns = new Promise<void>((resolve) => {
      reachedFour = resolve;
    });
    const stop = every(
      5,
      async () => {
        runs++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        // Longer than a tick, so the next ticks find this run still going.
        await new Promise((resolve) => setTimeout(resolve, 12));
        concurrent--;
        if (runs === 2) throw new Error('database away');
        if (runs === 4) reachedFour();
      },
      (error) => failures.push(error),
    );
    await fourRuns;
    stop();
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(stoppedAt);
    expect(maxConcurrent).toBe(1);
    expect(failures).toEqual([new Error('database away')]);
  });

  it('runs the job at once rather than only after the first interval, and stop() waits for a run in progress', async () => {
    let finished = 0;
    const stop = every(
      3_600_000,
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        finished++;
      },
      () => undefined,
    );
    expect(finished).toBe(0);
    await stop();
    expect(finished).toBe(1);
  });
});

describe('antara serve', () => {
  let h: Harness | undefined;
  let served: Served | undefined;
  afterAll(async () => {
    if (served?.child.exitCode === null) {
      served.child.kill('SIGTERM');
      await served.exited;
    }
    await h?.close();
  });

  it('purges what expired when it starts, without waiting for the first interval', async () => {
    h = await startHarness({ dialect: 'sqlite' });
    if (h.config.database.kind !== 'sqlite') throw new Error('expected SQLite');
    const start = async (email: string) =>
      (await h!.app.inject({ method: 'POST', url: '/auth/email/start', payload: { email } })).json().data
        .challengeId as string;
    h.clock.set(Date.now() - RETENTION_MS - DAY);
    const stale = await start('long-ago@example.com');
    h.clock.set(Date.now());
    const live = await start('just-now@example.com');

    // A second process on the same SQLite file, as an operator would start it.
    served = await startServe({ ANTARA_DATABASE_URL: `sqlite:${h.config.database.file}` });
    const ids = async () =>
      (await h!.ctx.storage.db.selectFrom('email_challenges').select('id').execute()).map((row) => row.id);
    for (let i = 0; i < 100 && (await ids()).includes(stale); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await ids()).toEqual([live]);
  });
});
