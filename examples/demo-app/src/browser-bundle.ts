import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The page script (src/browser/app.ts with @antara/web-sdk) as one file, built in memory at
 * start-up. A real app would use its own bundler, or the SDK's `dist/index.global.js`.
 */
export async function bundleBrowserApp(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser/app.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    // Why: inside this repository the SDK resolves to its TypeScript source, no build needed.
    conditions: ['@antara/source'],
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output for the page script');
  return output.text;
}
