import { defineConfig, type Options } from 'tsup';

/**
 * The published build: ESM for bundlers and a single-file IIFE for a <script> tag (the global
 * `Antara`), both for evergreen browsers, with .d.ts. @antara/protocol is a dev dependency bundled
 * in, so the package has no runtime dependencies.
 */
export const buildOptions: Options = {
  entry: { index: 'src/index.ts' },
  format: ['esm', 'iife'],
  globalName: 'Antara',
  platform: 'browser',
  target: 'es2022',
  // Why paths: types under node_modules stay external in the .d.ts; pointing the import at the
  // workspace source makes the declaration bundler inline them like the code.
  dts: { compilerOptions: { paths: { '@antara/protocol': ['../protocol/src/index.ts'] } } },
  noExternal: ['@antara/protocol'],
  sourcemap: true,
  minify: false,
  clean: true,
  outDir: 'dist',
};

export default defineConfig(buildOptions);
