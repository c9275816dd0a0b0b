import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'tsup';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOptions } from '../tsup.config.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/**
 * Runs a module in a real Node process, so that `@antara/sdk` is resolved by Node through its
 * package.json "exports", with the given conditions (`@antara/source` maps them to the sources,
 * as for the other workspace packages). The script prints one JSON value.
 */
async function probe(conditions: string[], script: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    process.execPath,
    [...conditions.map((c) => `--conditions=${c}`), '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: PACKAGE_DIR },
  );
  return JSON.parse(stdout);
}

describe('@antara/sdk: both SDKs in one install', () => {
  it('exports the very AntaraClient, AntaraServer and error classes of the two packages', async () => {
    const result = await probe(
      ['@antara/source'],
      `
      const sdk = await import('@antara/sdk');
      const web = await import('@antara/web-sdk');
      const server = await import('@antara/server-sdk');
      const same = (a, b) => typeof a === 'function' && a === b;
      console.log(JSON.stringify({
        client: same(sdk.AntaraClient, web.AntaraClient),
        server: same(sdk.AntaraServer, server.AntaraServer),
        error: same(sdk.AntaraError, server.AntaraError),
        clientError: same(sdk.AntaraClientError, web.AntaraError),
        errorClasses: ['AntaraAuthenticationError', 'AntaraConflictError', 'AntaraConnectionError',
          'AntaraInvalidRequestError', 'AntaraNotFoundError', 'AntaraPermissionError',
          'AntaraRateLimitError', 'AntaraServerError', 'WebhookVerificationError']
          .filter((name) => !same(sdk[name], server[name])),
        webhooks: same(sdk.Webhooks, server.Webhooks),
        scopes: sdk.DEFAULT_SCOPES === web.DEFAULT_SCOPES,
      }));
      `,
    );
    expect(result).toEqual({
      client: true,
      server: true,
      error: true,
      clientError: true,
      errorClasses: [],
      webhooks: true,
      scopes: true,
    });
  });

  it('gives a browser bundler only the web SDK', async () => {
    const result = await probe(
      ['browser', '@antara/source'],
      `
      const sdk = await import('@antara/sdk');
      const web = await import('@antara/web-sdk');
      console.log(JSON.stringify({
        names: Object.keys(sdk).sort(),
        webNames: Object.keys(web).sort(),
        client: sdk.AntaraClient === web.AntaraClient,
        error: sdk.AntaraError === web.AntaraError,
      }));
      `,
    );
    expect(result.names).toEqual(result.webNames);
    expect(result.names).not.toContain('AntaraServer');
    expect(result.client).toBe(true);
    expect(result.error).toBe(true);
  });

  it('serves each SDK unchanged at @antara/sdk/web and @antara/sdk/server', async () => {
    const result = await probe(
      ['@antara/source'],
      `
      const pairs = [
        [await import('@antara/sdk/web'), await import('@antara/web-sdk')],
        [await import('@antara/sdk/server'), await import('@antara/server-sdk')],
      ];
      console.log(JSON.stringify(Object.fromEntries(pairs.map(([sub, pkg], i) => [
        i === 0 ? 'web' : 'server',
        Object.keys(pkg).length > 0 &&
          Object.keys(sub).length === Object.keys(pkg).length &&
          Object.keys(pkg).every((name) => sub[name] === pkg[name]),
      ]))));
      `,
    );
    expect(result).toEqual({ web: true, server: true });
  });
});

describe('@antara/sdk: the published build', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'antara-sdk-'));
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  /** Every file the package.json "exports" promise outside the sources, as `dist/…` paths. */
  function promisedFiles(): string[] {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
    const found: string[] = [];
    // Why skip the whole "@antara/source" branch: its nested conditions point at the sources.
    const walk = (value: unknown) => {
      if (typeof value === 'string') found.push(value);
      else if (value && typeof value === 'object') {
        for (const [name, inner] of Object.entries(value)) if (name !== '@antara/source') walk(inner);
      }
    };
    walk(manifest.exports);
    return [...new Set(found)].sort();
  }

  it('builds every file its exports promise, re-exporting the two SDKs rather than copying them', async () => {
    await build({
      ...buildOptions,
      entry: Object.fromEntries(
        Object.entries(buildOptions.entry as Record<string, string>).map(([name, file]) => [
          name,
          path.join(PACKAGE_DIR, file),
        ]),
      ),
      tsconfig: path.join(PACKAGE_DIR, 'tsconfig.json'),
      outDir,
      config: false,
      silent: true,
    });
    const promised = promisedFiles();
    expect(promised).toContain('./dist/browser.js');
    for (const file of promised) {
      expect(fs.existsSync(path.join(outDir, file.replace('./dist/', ''))), file).toBe(true);
    }
    const index = fs.readFileSync(path.join(outDir, 'index.js'), 'utf8');
    expect(index).toContain('from "@antara/server-sdk"');
    expect(index).toContain('from "@antara/web-sdk"');
    expect(index).not.toContain('class AntaraServer');
    const browser = fs.readFileSync(path.join(outDir, 'browser.js'), 'utf8');
    expect(browser).not.toContain('@antara/server-sdk');
  });
});
