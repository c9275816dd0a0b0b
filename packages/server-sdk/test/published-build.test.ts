import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Options } from 'tsup';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOptions as webOptions } from '../../web-sdk/tsup.config.js';
import { buildOptions as serverOptions } from '../tsup.config.js';

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));
const made: string[] = [];

/** Builds a package with its published tsup options into a fresh temporary directory. */
async function buildInto(packageName: 'web-sdk' | 'server-sdk', options: Options): Promise<string> {
  const dir = path.join(PACKAGES, packageName);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), `antara-${packageName}-`));
  made.push(outDir);
  await build({
    ...options,
    entry: { index: path.join(dir, 'src/index.ts') },
    tsconfig: path.join(dir, 'tsconfig.json'),
    dts: {
      compilerOptions: { paths: { '@antara/protocol': [path.join(PACKAGES, 'protocol/src/index.ts')] } },
    },
    outDir,
    config: false,
    silent: true,
  });
  return outDir;
}

afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the published packages', () => {
  it('@antara/server-sdk: ESM and CommonJS load in plain Node, types inline the protocol, no runtime dependencies', async () => {
    const out = await buildInto('server-sdk', serverOptions);
    expect(fs.readdirSync(out).sort()).toEqual(
      expect.arrayContaining(['index.cjs', 'index.d.cts', 'index.d.ts', 'index.js']),
    );
    const probe = (file: string, load: string) =>
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `${load}; const a = new m.AntaraServer({ apiKey: 'antara_live_x' }); console.log(typeof a.send, typeof a.webhooks.verify, new m.AntaraRateLimitError({ code: 'rate_limited', message: '', status: 429 }) instanceof m.AntaraError);`,
        ],
        { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, FILE: file } },
      ).trim();
    expect(probe(path.join(out, 'index.js'), 'const m = await import(process.env.FILE)')).toBe(
      'function function true',
    );
    expect(
      probe(
        path.join(out, 'index.cjs'),
        "const m = (await import('node:module')).createRequire(import.meta.url)(process.env.FILE)",
      ),
    ).toBe('function function true');
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
      expect(fs.readFileSync(path.join(out, file), 'utf8')).not.toContain('@antara/protocol');
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGES, 'server-sdk/package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
  });

  it('@antara/web-sdk: ESM and the global bundle with inline types, no runtime dependencies, no Node APIs', async () => {
    const out = await buildInto('web-sdk', webOptions);
    expect(fs.readdirSync(out).sort()).toEqual(
      expect.arrayContaining(['index.d.ts', 'index.global.js', 'index.js']),
    );
    for (const file of ['index.js', 'index.global.js', 'index.d.ts']) {
      const text = fs.readFileSync(path.join(out, file), 'utf8');
      expect(text).not.toContain('@antara/protocol');
      expect(text).not.toMatch(/from ["']node:|require\(/);
    }
    expect(fs.readFileSync(path.join(out, 'index.global.js'), 'utf8')).toMatch(
      /^"use strict";\s*var Antara = /,
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGES, 'web-sdk/package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
  });
});
