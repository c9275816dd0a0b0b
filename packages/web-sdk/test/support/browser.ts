import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'tsup';
import { buildOptions } from '../../tsup.config.js';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds the single-file browser bundle (global `Antara`) exactly as it is published, into a
 * temporary directory, and returns its source.
 */
export async function buildBrowserBundle(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'antara-web-sdk-'));
  await build({
    ...buildOptions,
    entry: { index: path.join(PACKAGE_DIR, 'src/index.ts') },
    tsconfig: path.join(PACKAGE_DIR, 'tsconfig.json'),
    format: ['iife'],
    dts: false,
    sourcemap: false,
    outDir,
    config: false,
    silent: true,
  });
  const bundle = fs.readFileSync(path.join(outDir, 'index.global.js'), 'utf8');
  fs.rmSync(outDir, { recursive: true, force: true });
  return bundle;
}

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * A minimal third-party site on 127.0.0.1: every path answers the same page, which loads the
 * bundle from `/antara.js` and runs `script` (with `Antara` defined).
 */
export async function startPageServer(bundle: string, script = ''): Promise<PageServer> {
  const server = http.createServer((request, response) => {
    if (request.url === '/antara.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle);
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><title>Test app</title><script src="/antara.js"></script><script>${script}</script>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
