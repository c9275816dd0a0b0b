import { defineConfig, type Options } from 'tsup';

/**
 * The published build: ESM and CommonJS for Node ≥ 20 with their .d.ts. @antara/protocol is a dev
 * dependency bundled into both (code and types), so the package has no runtime dependencies.
 */
export const buildOptions: Options = {
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  // Why paths: types under node_modules stay external in the .d.ts; pointing the import at the
  // workspace source makes the declaration bundler inline them like the code.
  dts: { compilerOptions: { paths: { '@antara/protocol': ['../protocol/src/index.ts'] } } },
  noExternal: ['@antara/protocol'],
  sourcemap: true,
  clean: true,
  outDir: 'dist',
};

export default defineConfig(buildOptions);
