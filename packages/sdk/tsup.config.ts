import { defineConfig, type Options } from 'tsup';

/**
 * The published build: one ESM module per entry, with .d.ts. The two SDKs are dependencies and
 * stay external, so an app that installs @antara/sdk and one of them gets one copy of each class.
 */
export const buildOptions: Options = {
  entry: { index: 'src/index.ts', browser: 'src/browser.ts', web: 'src/web.ts', server: 'src/server.ts' },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  external: ['@antara/web-sdk', '@antara/server-sdk'],
  sourcemap: true,
  clean: true,
  outDir: 'dist',
};

export default defineConfig(buildOptions);
