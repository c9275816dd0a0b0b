import path from 'node:path';
import SQLite from 'better-sqlite3';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKeys } from '../src/oauth/signing-keys.js';
import { runAntara, tempDataDir } from './support/antara-process.js';
import { eachDialect } from './support/dialects.js';
import { type Harness, signIn, startHarness } from './support/harness.js';
import { fullFlow, registerApp } from './support/oauth.js';

eachDialect('id_token signing keys', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(async () => {
    await h?.close();
  });

  const jwks = async () => (await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();

  it('generates one key at first start and keeps its private half in the database only', async () => {
    const rows = await h.ctx.storage.db.selectFrom('signing_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.private_jwk ?? '{}')).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      d: expect.any(String),
    });
    const published = await jwks();
    expect(published.keys.map((k: { kid: string }) => k.kid)).toEqual([rows[0]?.kid]);
    expect(JSON.stringify(published)).not.toContain('"d"');

    // Another instance starting against the same database adds nothing.
    const other = createSigningKeys({
      keys: h.ctx.repos.signingKeys,
      clock: h.ctx.clock,
      random: h.ctx.random,
    });
    await Promise.all([other.ensure(), other.ensure()]);
    expect(await h.ctx.storage.db.selectFrom('signing_keys').selectAll().execute()).toHaveLength(1);
  });

  it('rotates: the new key signs, and id_tokens of the old key still verify from the JWKS', async () => {
    const app = await registerApp(h);
    const person = await signIn(h, 'ada@example.com');
    const before = (await fullFlow(h, app, person)).data.idToken as string;
    const oldKid = decodeProtectedHeader(before).kid;

    const operator = createSigningKeys({
      keys: h.ctx.repos.signingKeys,
      clock: h.ctx.clock,
      random: h.ctx.random,
    });
    const newKid = await operator.rotate();
    expect(newKid).not.toBe(oldKid);
    // Every instance notices the new generation within a minute.
    h.clock.advance(61_000);
    const after = (await fullFlow(h, app, person)).data.idToken as string;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);

    const published = await jwks();
    expect(published.keys.map((k: { kid: string }) => k.kid)).toEqual([newKid, oldKid]);
    const keySet = createLocalJWKSet(published);
    const options = {
      issuer: h.config.server.publicUrl,
      audience: app.appId,
      currentDate: new Date(h.clock.now()),
    };
    await expect(jwtVerify(before, keySet, options)).resolves.toBeDefined();
    await expect(jwtVerify(after, keySet, options)).resolves.toBeDefined();
  });
});

describe('antara oauth rotate-signing-key (process)', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it('adds a generation on every run and says which key now signs', async () => {
    const env = { ANTARA_DATA_DIR: data.dir };
    const first = await runAntara(['oauth', 'rotate-signing-key'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^new signing key [A-Za-z0-9_-]{16}; /);
    const second = await runAntara(['oauth', 'rotate-signing-key'], env);
    expect(second.code, second.stderr).toBe(0);
    const db = new SQLite(path.join(data.dir, 'antara.sqlite'), { readonly: true });
    const generations = db.prepare('select generation from signing_keys order by generation').all();
    db.close();
    expect(generations).toEqual([{ generation: 1 }, { generation: 2 }, { generation: 3 }]);
  });
});
